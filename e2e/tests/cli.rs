//! The administration commands, run as an operator would, on the same data as a running server:
//! each exits 0 when it did its work (every time, not most times) and non-zero with a sentence
//! when it could not.

use oxidesk_e2e::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_exits_cleanly_every_time() {
    let server = TestServer::start();
    let mut failures = Vec::new();
    let mut check = |what: String, out: std::process::Output| {
        if !out.status.success() {
            failures.push(format!("{what}: {} (stdout {:?})", out.status, text(&out.stdout).trim()));
        }
        out
    };
    for i in 0..8 {
        let out = check(format!("migrate #{i}"), server.cli_output(&["migrate"], &[]));
        assert!(text(&out.stdout).contains("up to date") || !out.status.success(), "{}", text(&out.stdout));
        let name = format!("key-{i}");
        let out = check(
            format!("apikey create #{i}"),
            server.cli_output(&["apikey", "create", "--name", &name, "--scopes", "read"], &[]),
        );
        assert!(text(&out.stdout).trim().starts_with("oxk_"), "apikey create prints the key: {:?}", text(&out.stdout));
        let out = check(format!("apikey list #{i}"), server.cli_output(&["apikey", "list"], &[]));
        assert!(text(&out.stdout).contains(&name), "{}", text(&out.stdout));
        let username = format!("admin{i}");
        let email = format!("admin{i}@example.com");
        check(
            format!("admin create #{i}"),
            server.cli_output(
                &["admin", "create", "--username", &username, "--email", &email],
                &[("OXIDESK_ADMIN_PASSWORD", "a long admin password")],
            ),
        );
    }
    assert!(
        failures.is_empty(),
        "commands that did their work must exit 0 ({} engine):\n{}",
        server.engine(),
        failures.join("\n")
    );
    // …and what they did is what the server sees.
    for i in 0..8 {
        server.login_token(&format!("admin{i}"), "a long admin password");
    }
}

#[test]
fn keys_made_listed_and_revoked_by_the_cli_rule_the_api() {
    let server = TestServer::start();
    let key = server.apikey("integration", "read, write,impersonate", None);
    assert!(key.key.starts_with("oxk_"), "{}", key.key);
    server.get("/api/tickets.json", &key.auth()).expect(200);

    let out = server.cli(&["apikey", "list"], &[]);
    let listing = text(&out.stdout);
    assert!(!listing.contains(&key.key), "the list never shows a secret: {listing}");
    let row = listing.lines().find(|l| l.contains("integration")).unwrap_or_else(|| panic!("{listing}"));
    assert!(row.contains("read,write,impersonate") && row.contains("active"), "{row}");

    server.apikey_revoke(key.id);
    server.get_until_revoked("/api/tickets.json", &key.auth()).expect_error(401, "unauthorized");
    let out = server.cli(&["apikey", "list"], &[]);
    let row = text(&out.stdout).lines().find(|l| l.contains("integration")).unwrap().to_owned();
    assert!(row.contains("revoked"), "{row}");

    // Things that cannot be done fail with a sentence and a non-zero status.
    for (args, envs) in [
        (vec!["apikey", "revoke", &key.id.to_string()], vec![]),
        (vec!["apikey", "revoke", "9999"], vec![]),
        (vec!["apikey", "create", "--name", "bad", "--scopes", "read,root"], vec![]),
        (vec!["apikey", "create", "--name", "old", "--scopes", "read", "--expires", "2001-01-01"], vec![]),
        (vec!["apikey", "create", "--name", "bad", "--scopes", "read", "--allow-ip", "10.0.0.0/33"], vec![]),
        (vec!["apikey", "create", "--name", "  ", "--scopes", "read"], vec![]),
        (
            vec!["admin", "create", "--username", "ok-name", "--email", "ok@example.com"],
            vec![("OXIDESK_ADMIN_PASSWORD", "short")],
        ),
        (
            vec!["admin", "create", "--username", "x", "--email", "ok@example.com"],
            vec![("OXIDESK_ADMIN_PASSWORD", "a long admin password")],
        ),
        (
            vec!["admin", "create", "--username", "okname", "--email", "not-an-email"],
            vec![("OXIDESK_ADMIN_PASSWORD", "a long admin password")],
        ),
    ] {
        let out = server.cli_output(&args, &envs);
        assert!(!out.status.success(), "oxidesk {args:?} should fail: {}", text(&out.stdout));
        assert!(text(&out.stderr).contains("error:"), "oxidesk {args:?} says why: {:?}", text(&out.stderr));
    }
    server.admin_create("boss", "boss@example.com", "a long admin password");
    let out = server.cli_output(
        &["admin", "create", "--username", "boss", "--email", "boss2@example.com"],
        &[("OXIDESK_ADMIN_PASSWORD", "a long admin password")],
    );
    assert!(
        !out.status.success() && text(&out.stderr).contains("error:"),
        "a taken user name: {} {}",
        out.status,
        text(&out.stderr)
    );
    let keys = text(&server.cli(&["apikey", "list"], &[]).stdout);
    assert!(!keys.contains("bad"), "no key was made by a failed command: {keys}");
}
