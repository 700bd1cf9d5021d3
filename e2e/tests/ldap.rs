//! Sign-in through a real OpenLDAP server, over HTTP, with the real binary configured by its
//! `oxidesk.toml`. `OXIDESK_LDAP_URL=$(scripts/ldap.sh)` names the server with the test directory;
//! without it the test says why and passes.

use oxidesk_e2e::{json, Auth, Method, Resp, TestServer};

const ADMIN_PASSWORD: &str = "the local administrator's passphrase";

fn refresh(s: &TestServer) -> Resp {
    s.send_with(s.cookie_client(), Method::POST, "/api/auth/refresh.json", &Auth::None, &[], None, None)
}

#[test]
fn directory_users_sign_in_over_http_and_the_local_administrator_too() {
    let Some(url) = std::env::var("OXIDESK_LDAP_URL").ok().filter(|u| !u.trim().is_empty()) else {
        eprintln!("SKIPPED: OXIDESK_LDAP_URL is not set (run with OXIDESK_LDAP_URL=$(scripts/ldap.sh), as `make test-unit` does)");
        return;
    };
    let s = TestServer::start_with_config(&format!(
        "[ldap]\nurl = \"{url}\"\nbind_dn = \"uid={{username}},ou=people,dc=oxidesk,dc=test\"\ntimeout_secs = 5\n"
    ));
    s.admin_create("admin", "admin@example.com", ADMIN_PASSWORD);

    // Alice's first sign-in creates her account from the directory; her session works.
    let first = s.login("Alice", "alice-secret-1");
    first.expect(200);
    let token = first.json()["access_token"].as_str().unwrap().to_owned();
    let me = s.get("/api/users/me.json", &Auth::bearer(&token));
    me.expect(200);
    let me = me.json();
    assert_eq!(
        (me["username"].as_str(), me["fullname"].as_str(), me["email"].as_str(), me["level"].as_i64()),
        (Some("alice"), Some("Alice Liddell"), Some("alice@oxidesk.test"), Some(1)),
        "{me}"
    );
    refresh(&s).expect(200);
    assert_eq!(s.login("alice", "alice-secret-1").expect(200).json()["user"]["id"], me["id"]);

    // The directory refuses a wrong password; the local administrator signs in locally.
    s.login("alice", "wrong password").expect_error(401, "unauthorized");
    let admin = Auth::bearer(&s.login_token("admin", ADMIN_PASSWORD));
    let path = format!("/api/users.json/{}/password", me["id"]);
    s.put_json(&path, &admin, &json!({"password": "a local password"})).expect_error(409, "conflict");
}

#[test]
fn a_directory_that_does_not_answer_is_a_503_not_a_wrong_password() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let s = TestServer::start_with_config(&format!(
        "[ldap]\nurl = \"ldap://127.0.0.1:{closed}\"\nbind_dn = \"{{username}}@oxidesk.test\"\ntimeout_secs = 2\n"
    ));
    let body = s.login("alice", "alice-secret-1").expect_error(503, "unavailable");
    assert!(body["error"]["message"].as_str().unwrap().contains("LDAP"), "{body}");
    assert!(s.log().contains("LDAP sign-in impossible"), "the cause is logged: {}", s.log());
}
