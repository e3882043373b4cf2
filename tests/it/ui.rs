//! The dashboard at `/__admin/ui`: its page and files are served with their types, from the
//! binary, under the admin API's token (which a browser may give as `?token=`).

use cnode_emulator::Settings;

use crate::harness::{http, start, start_with};

const FILES: [(&str, &str, &str); 4] = [
    ("/__admin/ui", "text/html; charset=utf-8", "<!DOCTYPE html>"),
    (
        "/__admin/ui/index.html",
        "text/html; charset=utf-8",
        "<!DOCTYPE html>",
    ),
    (
        "/__admin/ui/ui.js",
        "text/javascript; charset=utf-8",
        "\"use strict\";",
    ),
    ("/__admin/ui/ui.css", "text/css; charset=utf-8", ":root"),
];

#[test]
fn the_page_and_its_files_are_served_with_their_types() {
    let emulator = start();
    for (path, content_type, start) in FILES {
        let reply = http(emulator.addr(), "GET", path, &[], b"");
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.header("Content-Type"), Some(content_type), "{path}");
        assert_eq!(
            reply.header("X-Content-Type-Options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(
            reply.body.trim_start().contains(start),
            "{path}: {}",
            &reply.body[..reply.body.len().min(200)]
        );
    }
    // The page loads its own files, and nothing from elsewhere.
    let page = http(emulator.addr(), "GET", "/__admin/ui", &[], b"").body;
    assert!(page.contains("/__admin/ui/ui.js") && page.contains("/__admin/ui/ui.css"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "{page}"
    );
    // What the script calls is the admin API the page is served beside.
    let script = http(emulator.addr(), "GET", "/__admin/ui/ui.js", &[], b"").body;
    for call in [
        "clock/advance",
        "tasks",
        "journal",
        "world",
        "/force",
        "/step",
    ] {
        assert!(script.contains(call), "ui.js never calls {call}");
    }
    assert!(!script.contains("innerHTML"), "data goes in as text");

    let missing = http(emulator.addr(), "GET", "/__admin/ui/nothing.js", &[], b"");
    assert_eq!(missing.status, 404);

    let doc = http(emulator.addr(), "GET", "/__admin/openapi.json", &[], b"").body;
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    for path in ["/__admin/ui", "/__admin/ui/{file}"] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not described");
    }
}

#[test]
fn the_dashboard_needs_the_token_when_one_is_set() {
    let mut settings = Settings::for_tests();
    settings.admin_token = Some("s3 cret".into());
    let emulator = start_with(settings);
    let get =
        |path: &str, headers: &[(&str, &str)]| http(emulator.addr(), "GET", path, headers, b"");
    for (path, _, _) in FILES {
        assert_eq!(get(path, &[]).status, 401, "{path} without a token");
        assert_eq!(
            get(&format!("{path}?token=wrong"), &[]).status,
            401,
            "{path}"
        );
        let bearer = get(path, &[("Authorization", "Bearer s3 cret")]);
        assert_eq!(bearer.status, 200, "{path} with the bearer token");
        let query = get(&format!("{path}?token=s3%20cret"), &[]);
        assert_eq!(query.status, 200, "{path} with ?token=");
    }
    // Unknown files are refused before they are looked for.
    assert_eq!(get("/__admin/ui/nothing.js", &[]).status, 401);
    // ?token= opens the dashboard's files only: the API itself wants the header.
    assert_eq!(get("/__admin/clock?token=s3%20cret", &[]).status, 401);
    assert_eq!(
        get("/__admin/clock", &[("Authorization", "Bearer s3 cret")]).status,
        200
    );
}

#[test]
fn the_dashboard_is_gone_with_the_admin_api() {
    let mut settings = Settings::for_tests();
    settings.admin = false;
    let emulator = start_with(settings);
    let reply = http(emulator.addr(), "GET", "/__admin/ui", &[], b"");
    assert_ne!(reply.status, 200, "{}", reply.body);
}
