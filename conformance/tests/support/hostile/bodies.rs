//! What the hostile target answers in place of the server's answers.

use std::fmt::Write as _;
use std::sync::OnceLock;

use flate2::Compression;

use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

use super::Mode;
use crate::support::front::{Message, find};

/// Control characters, escape sequences and CI workflow commands (at a
/// line's start, and `##[`/`##vso[` mid-line too): what a target that wants
/// to fake annotations or hide log lines sends.
pub const CONSOLE_ATTACK: &str = "\x1b[2J\x1b]0;owned\x07\rlooks fine\n::add-mask::Bearer\n::error title=pwned::fake annotation\n   ##[error]fake error\nsee ##vso[task.complete result=Succeeded]done and ##[warning]mid-line\n\t::warning::indented\r::notice::after a carriage return\x00\x08\x7f\u{9b}31m\u{202e}desrever";

/// A header of workflow commands: header values cannot carry control
/// characters, but a line can still start with `::`.
const CONSOLE_ATTACK_HEADER: &str = "x-note: ::error::from a header ##[error]too";

/// The bombs, made once: compressing 64 MiB takes seconds in a debug build.
static GZIP_BOMB: OnceLock<Vec<u8>> = OnceLock::new();
static DEFLATE_BOMB: OnceLock<Vec<u8>> = OnceLock::new();

/// One element of the endless list, repeated.
const LIST_ELEMENT: &[u8] =
    br#"{"id":"00000000-0000-4000-8000-000000000000","title":"again","completed":false},"#;

/// The server's answer, as this mode passes it on.
pub fn rewrite(mode: Mode, response: Message) -> Vec<u8> {
    let success = (200..300).contains(&response.status) && response.status != 204;
    match mode {
        Mode::HugeHeads => with_headers(&response.bytes, &huge_headers()),
        Mode::ConsoleAttack if success => {
            with_headers(&response.bytes, &format!("{CONSOLE_ATTACK_HEADER}\r\n"))
        }
        Mode::ConsoleAttack => replace_body(
            &response,
            &[CONSOLE_ATTACK_HEADER, "content-type: text/plain"],
            CONSOLE_ATTACK.as_bytes(),
        ),
        Mode::NonTaskBodies if success => replace_body(
            &response,
            &["content-type: application/json"],
            br#"{"hello":"world"}"#,
        ),
        Mode::InvalidUtf8 if success => replace_body(
            &response,
            &["content-type: application/json"],
            b"{\"id\":\"\xff\xfe\xc3\x28\",\"title\":\"\xed\xa0\x80\"}",
        ),
        Mode::DeepJson if success => {
            let depth = 100_000;
            let body = [vec![b'['; depth], vec![b']'; depth]].concat();
            replace_body(&response, &["content-type: application/json"], &body)
        }
        Mode::GzipBomb if success => replace_body(
            &response,
            &["content-type: application/json", "content-encoding: gzip"],
            GZIP_BOMB.get_or_init(|| {
                bomb(flate2::write::GzEncoder::new(
                    Vec::new(),
                    Compression::best(),
                ))
            }),
        ),
        Mode::DeflateBomb if success => replace_body(
            &response,
            &[
                "content-type: application/json",
                "content-encoding: deflate",
            ],
            DEFLATE_BOMB.get_or_init(|| {
                bomb(flate2::write::ZlibEncoder::new(
                    Vec::new(),
                    Compression::best(),
                ))
            }),
        ),
        _ => response.bytes,
    }
}

/// A 307 to `path` on another host (`http://host:port`).
pub fn redirect(host: &str, path: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {host}{path}\r\ncontent-length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// A 404 like FastAPI's for a route it does not have.
pub fn not_found() -> Vec<u8> {
    let body = r#"{"detail":"Not Found"}"#;
    format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers a list with a body that never ends (chunked), or that claims
/// 2 GiB; either way written until the client leaves.
pub async fn stream_list(client: &mut TcpStream, endless: bool) -> std::io::Result<()> {
    let framing = if endless {
        "transfer-encoding: chunked"
    } else {
        "content-length: 2147483648"
    };
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
    client.write_all(head.as_bytes()).await?;
    let elements = LIST_ELEMENT.repeat(256);
    let opening = [b"[".as_slice(), &elements].concat();
    let mut piece = &opening;
    loop {
        if endless {
            client
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .await?;
            client.write_all(piece).await?;
            client.write_all(b"\r\n").await?;
        } else {
            client.write_all(piece).await?;
        }
        piece = &elements;
    }
}

/// 1 MiB of headers.
fn huge_headers() -> String {
    let value = "a".repeat(1000);
    (0..1049).fold(String::new(), |mut headers, n| {
        let _ = write!(headers, "x-pad-{n}: {value}\r\n");
        headers
    })
}

/// The message with `headers` (each ending in CRLF) after its status line.
fn with_headers(message: &[u8], headers: &str) -> Vec<u8> {
    let line_end = find(message, b"\r\n").expect("a status line") + 2;
    [
        &message[..line_end],
        headers.as_bytes(),
        &message[line_end..],
    ]
    .concat()
}

/// The message's head with `headers` in place of its framing and content
/// headers, and `body`.
fn replace_body(response: &Message, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let head_end = find(&response.bytes, b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&response.bytes[..head_end]);
    let mut lines = head.split("\r\n");
    let mut out = format!("{}\r\n", lines.next().unwrap_or("HTTP/1.1 200 OK"));
    for line in lines {
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "content-length" | "transfer-encoding" | "content-type" | "content-encoding"
        ) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    let _ = write!(out, "content-length: {}\r\n\r\n", body.len());
    [out.as_bytes(), body].concat()
}

/// Something that compresses into memory: a gzip or a zlib encoder.
trait Encoder: std::io::Write {
    fn done(self) -> std::io::Result<Vec<u8>>;
}

impl Encoder for flate2::write::GzEncoder<Vec<u8>> {
    fn done(self) -> std::io::Result<Vec<u8>> {
        self.finish()
    }
}

impl Encoder for flate2::write::ZlibEncoder<Vec<u8>> {
    fn done(self) -> std::io::Result<Vec<u8>> {
        self.finish()
    }
}

/// 64 MiB of zeros, compressed (to about 64 KiB): 64 times the suite's
/// body cap.
fn bomb(mut encoder: impl Encoder) -> Vec<u8> {
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&zeros).expect("compress into memory");
    }
    encoder.done().expect("compress into memory")
}
