//! Text made safe for a console that CI reads. A target's answers reach the
//! console in findings, skip reasons and exit-2 lines; raw, they could move
//! the cursor, rewrite a line (CR, ESC sequences), reorder it (bidi
//! overrides), or start a CI workflow command: GitHub Actions acts on
//! `::add-mask::…` or `::error::…` at the start of a line, after any
//! whitespace, and on `##[error]…` anywhere in a line (its legacy form);
//! Azure Pipelines on `##[error]` and `##vso[…]`.
//!
//! Every `print!`, `println!`, `eprint!` and `eprintln!` of the suite goes
//! through [`out`] or [`err`] (main.rs shadows the standard macros), so no
//! code can forget: what they print keeps its newlines, and nothing else
//! that acts on a terminal or a CI log.

use std::fmt::Write as _;
use std::io::Write as _;

/// Whether `c` acts on a terminal or a log instead of showing: C0 controls,
/// DEL, C1 controls (ESC's 8-bit forms among them), bidi embeddings,
/// overrides, isolates and marks, line and paragraph separators, and the
/// byte order mark.
fn acts(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// `c` as the console shows it: `\n`, `\r`, `\t`, or `\u{1b}`.
fn push_escaped(text: &mut String, c: char) {
    match c {
        '\n' => text.push_str("\\n"),
        '\r' => text.push_str("\\r"),
        '\t' => text.push_str("\\t"),
        c => {
            let _ = write!(text, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `text` on one line: every character that acts instead of showing,
/// newlines included, escaped; a start that would be a workflow command
/// guarded, and every `##[` or `##vso[` too (the runner's legacy parser
/// looks for them anywhere in a line). For what a target wrote where the
/// suite prints one line (a header value, an exit-2 line).
pub fn line(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if acts(c) {
            push_escaped(&mut safe, c);
        } else {
            safe.push(c);
        }
    }
    guard(&disarm_legacy_commands(&safe))
}

/// `text` with the first `#` of every `##[` and `##vso[` escaped.
fn disarm_legacy_commands(text: &str) -> String {
    let mut disarmed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("##") {
        let after = &rest[at + 2..];
        if after.starts_with('[') || after.starts_with("vso[") {
            disarmed.push_str(&rest[..at]);
            disarmed.push_str("\\u{23}#");
            rest = after;
        } else {
            // Past the first `#` only: the second may open a `##[`.
            disarmed.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
        }
    }
    disarmed.push_str(rest);
    disarmed
}

/// `text` with its newlines kept, everything else that acts escaped, and
/// every line guarded: what the console writers print.
pub fn lines(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for (index, part) in text.split('\n').enumerate() {
        if index > 0 {
            safe.push('\n');
        }
        safe.push_str(&line(part));
    }
    safe
}

/// Each line of `text` made safe, and those after the first indented by
/// `indent`: a target's body printed on several lines stays inside the
/// suite's block, each of its lines guarded on its own.
pub fn indented(text: &str, indent: &str) -> String {
    text.split('\n')
        .map(line)
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// Whether a line would start a CI workflow command: `::` (GitHub Actions)
/// or `##` (Azure Pipelines' `##[…]` and `##vso[…]`) after whitespace.
fn starts_a_command(line: &str) -> bool {
    let start = line.trim_start();
    start.starts_with("::") || start.starts_with("##")
}

/// `line`, with the first character of a workflow command escaped, so that
/// the line no longer starts one and still reads as it was.
fn guard(line: &str) -> String {
    if !starts_a_command(line) {
        return line.to_owned();
    }
    let blank = line.len() - line.trim_start().len();
    let (space, command) = line.split_at(blank);
    let mut chars = command.chars();
    let mut guarded = space.to_owned();
    if let Some(first) = chars.next() {
        push_escaped(&mut guarded, first);
    }
    guarded.push_str(chars.as_str());
    guarded
}

/// Writes `text`, made safe, to standard output. A console that is gone
/// (a closed pipe) loses the text; the run goes on to its reports.
pub fn out(text: &str) {
    let _ = std::io::stdout().lock().write_all(lines(text).as_bytes());
}

/// Writes `text`, made safe, to standard error.
pub fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(lines(text).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a hostile target sends: ESC sequences, BEL, CR, 8-bit CSI,
    /// bidi overrides and workflow commands.
    const HOSTILE: &str = "ok\u{1b}[2J\u{7}\rfake\u{9b}31m\u{202e}gnp.exe\u{2066}\n::add-mask::secret\n  ::error file=a::forged\n\t##[error]forged\n##vso[task.complete result=Succeeded]\u{7f}";

    fn acts_or_commands(text: &str) -> Vec<String> {
        let mut problems: Vec<String> = text
            .chars()
            .filter(|&c| c != '\n' && acts(c))
            .map(|c| format!("{c:?}"))
            .collect();
        problems.extend(
            text.lines()
                .filter(|line| {
                    starts_a_command(line) || line.contains("##[") || line.contains("##vso[")
                })
                .map(str::to_owned),
        );
        problems
    }

    #[test]
    fn lines_keep_newlines_and_nothing_else_that_acts() {
        let safe = lines(HOSTILE);
        assert_eq!(acts_or_commands(&safe), Vec::<String>::new(), "{safe}");
        assert_eq!(safe.lines().count(), 5, "{safe}");
        assert_eq!(
            safe,
            "ok\\u{1b}[2J\\u{7}\\rfake\\u{9b}31m\\u{202e}gnp.exe\\u{2066}\n\\u{3a}:add-mask::secret\n  \\u{3a}:error file=a::forged\n\\t\\u{23}#[error]forged\n\\u{23}#vso[task.complete result=Succeeded]\\u{7f}"
        );
    }

    #[test]
    fn a_line_is_one_line() {
        let safe = line(HOSTILE);
        assert!(!safe.contains('\n'), "{safe}");
        assert_eq!(acts_or_commands(&safe), Vec::<String>::new(), "{safe}");
        assert_eq!(line("::x"), "\\u{3a}:x");
        assert_eq!(
            line("x-note: ok ##[error]mid-line ###[warning]x ##vso[task.x] ## #"),
            "x-note: ok \\u{23}#[error]mid-line #\\u{23}#[warning]x \\u{23}#vso[task.x] ## #"
        );
        assert_eq!(line("\u{a0}##[group]x"), "\u{a0}\\u{23}#[group]x");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let text = "promise broken: Missing token (list)\nexpected: 401\n  a::b ## c — «déjà» 日本";
        assert_eq!(lines(text), text);
        assert_eq!(line("http://h/api/a::b"), "http://h/api/a::b");
    }

    #[test]
    fn indented_lines_stay_in_their_block() {
        let body = "first\n::error::forged\r\n  ##[warning]x";
        assert_eq!(
            indented(body, "    "),
            "first\n    \\u{3a}:error::forged\\r\n      \\u{23}#[warning]x"
        );
        assert_eq!(
            acts_or_commands(&indented(body, "  ")),
            Vec::<String>::new()
        );
    }
}
