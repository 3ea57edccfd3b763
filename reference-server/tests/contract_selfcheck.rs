#[path = "common/contract.rs"]
mod contract;
#[test]
fn show_messages() {
    let t = r#"{"id":"not-a-uuid","user_id":"u","title":"","description":null,"completed":false,"created_at":"yesterday","updated_at":"2025-11-25T10:21:07Z"}"#;
    for (m, p, s, b) in [
        ("GET", "/api/u/tasks/x", 200, t.as_bytes()),
        ("GET", "/api/u/tasks/x", 200, b"nope".as_slice()),
        ("DELETE", "/api/u/tasks/x", 200, b"".as_slice()),
        ("PUT", "/health", 200, b"{}".as_slice()),
        ("GET", "/zzz", 200, b"{}".as_slice()),
        ("HEAD", "/health", 200, b"{}".as_slice()),
        ("POST", "/api/auth/register", 201, br#"{"token":"abc","user":{"id":"u","email":"e","name":null}}"#.as_slice()),
    ] {
        println!("---\n{}", contract::check_response(m, p, s, b).unwrap_err());
    }
    contract::check_response("HEAD", "/health", 200, b"").unwrap();
    contract::check_response("HEAD", "/api/auth/login", 405, b"").unwrap();
    contract::check_response("GET", "/ready", 503, br#"{"detail":"Service temporarily unavailable"}"#).unwrap();
    contract::check_response("GET", "/health", 200, br#"{"status":"ok"}"#).unwrap();
    assert!(contract::check_response("GET", "/health", 200, br#"{"status":"ready"}"#).is_err());
}
