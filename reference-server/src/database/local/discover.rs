//! Finding the installed PostgreSQL binaries: `initdb` and `postgres` side by
//! side, on `PATH` or in the folders the usual packages install them in.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Where packages put the binaries, newest version first within each `*`.
/// Said in the errors, so that a user knows where to put them.
pub const SEARCHED_FOLDERS: &str = "/usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, /usr/local/pgsql/bin, /opt/homebrew/opt/postgresql*/bin, /usr/local/opt/postgresql*/bin";

/// `(parent, prefix)`: the `bin` folders of `parent`'s entries whose names
/// start with `prefix` (Debian, RHEL, Homebrew on ARM and on Intel).
const VERSIONED: [(&str, &str); 4] = [
    ("usr/lib/postgresql", ""),
    ("usr", "pgsql-"),
    ("opt/homebrew/opt", "postgresql"),
    ("usr/local/opt", "postgresql"),
];
/// Where a build from source installs by default.
const SOURCE_BUILD: &str = "usr/local/pgsql/bin";

/// A folder with both binaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binaries {
    pub dir: PathBuf,
}

impl Binaries {
    pub fn initdb(&self) -> PathBuf {
        self.dir.join("initdb")
    }

    pub fn postgres(&self) -> PathBuf {
        self.dir.join("postgres")
    }
}

/// The first folder with both binaries: `PATH`'s entries in order, then the
/// usual folders under `root` (`/`, or a fake tree in tests).
pub fn discover(path: Option<&OsStr>, root: &Path) -> Option<Binaries> {
    let on_path = path.into_iter().flat_map(std::env::split_paths);
    on_path
        .chain(usual_folders(root))
        .find_map(|dir| binaries_in(&dir))
}

fn usual_folders(root: &Path) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    for (parent, prefix) in &VERSIONED[..2] {
        folders.extend(versions(&root.join(parent), prefix));
    }
    folders.push(root.join(SOURCE_BUILD));
    for (parent, prefix) in &VERSIONED[2..] {
        folders.extend(versions(&root.join(parent), prefix));
    }
    folders
}

/// `parent/<prefix…>/bin`, the highest version first (numerically: 16
/// before 9.6); names without a version last.
fn versions(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let rest = name.strip_prefix(prefix)?;
            Some((version(rest), entry.path().join("bin")))
        })
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    found.into_iter().map(|(_, dir)| dir).collect()
}

/// The numbers in `name`: `@16` is [16], `9.6` is [9, 6].
fn version(name: &str) -> Vec<u32> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// `dir` when `initdb` and `postgres` are executables in it. `initdb` is
/// followed through symlinks (/usr/local/bin/initdb to Debian's folder), as
/// the server must run from its own folder to find its share files.
fn binaries_in(dir: &Path) -> Option<Binaries> {
    let initdb = std::fs::canonicalize(dir.join("initdb")).ok()?;
    let dir = initdb.parent()?;
    (is_executable(&initdb) && is_executable(&dir.join("postgres"))).then(|| Binaries {
        dir: dir.to_owned(),
    })
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// A fake root with the given binaries, each executable unless it ends
    /// in `!`.
    fn fake_root(files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("pg-discover-{}", uuid::Uuid::new_v4()));
        for file in files {
            let (file, executable) = match file.strip_suffix('!') {
                Some(file) => (file, false),
                None => (*file, true),
            };
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "#!/bin/sh\n").unwrap();
            let mode = if executable { 0o755 } else { 0o644 };
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        }
        // Binaries are found by their canonical paths.
        fs::canonicalize(root).unwrap()
    }

    #[test]
    fn the_highest_version_with_both_binaries_wins() {
        let root = fake_root(&[
            "usr/lib/postgresql/9.6/bin/initdb",
            "usr/lib/postgresql/9.6/bin/postgres",
            "usr/lib/postgresql/14/bin/initdb",
            "usr/lib/postgresql/14/bin/postgres",
            // 17 lacks the server, 16's is not executable.
            "usr/lib/postgresql/17/bin/initdb",
            "usr/lib/postgresql/16/bin/initdb",
            "usr/lib/postgresql/16/bin/postgres!",
            "opt/homebrew/opt/postgresql@18/bin/initdb",
            "opt/homebrew/opt/postgresql@18/bin/postgres",
        ]);
        let found = discover(None, &root).expect("binaries");
        assert_eq!(found.dir, root.join("usr/lib/postgresql/14/bin"));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn path_comes_first_and_homebrew_is_searched_too() {
        let root = fake_root(&[
            "usr/pgsql-15/bin/initdb",
            "usr/pgsql-15/bin/postgres",
            "opt/homebrew/opt/postgresql@14/bin/initdb",
            "opt/homebrew/opt/postgresql@14/bin/postgres",
            "opt/homebrew/opt/postgresql@16/bin/initdb",
            "opt/homebrew/opt/postgresql@16/bin/postgres",
            "elsewhere/bin/initdb",
            "elsewhere/bin/postgres",
        ]);
        let path =
            std::env::join_paths([root.join("nothing"), root.join("elsewhere/bin")]).unwrap();
        assert_eq!(
            discover(Some(&path), &root).unwrap().dir,
            root.join("elsewhere/bin")
        );
        assert_eq!(
            discover(None, &root).unwrap().dir,
            root.join("usr/pgsql-15/bin")
        );
        fs::remove_dir_all(root.join("usr")).unwrap();
        assert_eq!(
            discover(None, &root).unwrap().dir,
            root.join("opt/homebrew/opt/postgresql@16/bin")
        );
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(discover(Some(&path), &root), None);
    }
}
