//! The attack list of docs/security.md against the real binary. Each id of the document's table
//! is one case here (`cases()`), run by the test of its theme (the id's letter) on a server of its
//! own; every case checks the answer and that nothing changed or leaked. `every_attack_in_the_doc_has_a_case`
//! keeps the table and the cases in step.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use oxidesk_e2e::*;

const PASSWORD: &str = "everybody's long password";

type Case = fn(&World);

/// Every case, by its id in docs/security.md.
fn cases() -> Vec<(&'static str, Case)> {
    vec![
        ("X1", x1_script_in_a_subject),
        ("X2", x2_script_in_an_html_body),
        ("X3", x3_event_handler_attribute),
        ("X4", x4_javascript_link),
        ("X5", x5_svg_iframe_and_style),
        ("X6", x6_a_body_that_is_only_a_script),
        ("X7", x7_html_sent_as_a_data_url),
        ("X8", x8_markup_in_a_persons_name),
        ("X9", x9_markup_in_a_file_name),
        ("X10", x10_an_html_attachment),
        ("X11", x11_the_web_apps_content_security_policy),
        ("X12", x12_personal_data_kept_by_a_cache),
        ("X13", x13_html_without_a_policy),
        ("X14", x14_script_in_markdown),
        ("X15", x15_pictures_that_are_not_the_message_s),
        ("Y1", y1_guessing_passwords_through_django_helpdesk),
        ("Y2", y2_a_customer_acting_as_an_agent_through_django_helpdesk),
        ("Y3", y3_sql_and_markup_in_django_helpdesk_s_forms),
        ("Y4", y4_a_key_in_the_url_beyond_nodepoint),
        ("Y5", y5_nodepoint_s_from_user_for_someone_else),
        ("Y6", y6_a_read_key_writes_and_guesses_through_nodepoint),
        ("Y7", y7_a_read_key_writes_through_itflow),
        ("Y8", y8_hostile_osticket_xml),
        ("S1", s1_or_true_in_the_search),
        ("S2", s2_or_true_in_the_email_filter),
        ("S3", s3_sql_in_the_user_filter),
        ("S4", s4_sql_in_the_status_filter),
        ("S5", s5_stacked_query_in_the_queue_filter),
        ("S6", s6_union_in_the_topic_and_priority_filters),
        ("S7", s7_sql_in_the_assignee_filter),
        ("S8", s8_sql_in_the_sort),
        ("S9", s9_search_engine_syntax),
        ("S10", s10_sql_in_the_user_search),
        ("S11", s11_sql_in_the_user_level_filter),
        ("S12", s12_sql_in_the_client_mail),
        ("S13", s13_sql_in_the_staff_user_name),
        ("S14", s14_sql_in_ticket_info),
        ("S15", s15_sql_in_a_ticket_number),
        ("S16", s16_sql_in_a_login),
        ("S17", s17_a_customer_searches_for_another),
        ("J1", j1_alg_none),
        ("J2", j2_a_wrong_key),
        ("J3", j3_expired),
        ("J4", j4_tampered_subject),
        ("J5", j5_another_audience),
        ("J6", j6_another_issuer),
        ("J7", j7_not_yet_valid),
        ("J8", j8_another_algorithm_with_the_right_secret),
        ("J9", j9_no_expiry),
        ("J10", j10_a_subject_that_is_nobody),
        ("J11", j11_a_token_kept_after_signing_out),
        ("B1", b1_password_guessing),
        ("B2", b2_user_enumeration),
        ("B3", b3_guest_ticket_flood),
        ("P1", p1_oversized_body),
        ("P2", p2_deeply_nested_unknown_field),
        ("P3", p3_deeply_nested_known_field),
        ("P4", p4_duplicate_keys),
        ("P5", p5_invalid_utf8),
        ("P6", p6_nul_in_a_subject),
        ("P7", p7_numbers_out_of_range),
        ("P8", p8_a_page_past_any_end),
        ("P9", p9_a_message_of_many_files),
        ("P10", p10_json_without_a_content_type),
        ("C1", c1_crlf_in_a_ticket_email),
        ("C2", c2_crlf_in_a_persons_name),
        ("C3", c3_crlf_in_a_subject),
        ("C4", c4_crlf_in_a_queue_email),
        ("C5", c5_crlf_in_a_phone_number),
        ("C6", c6_crlf_in_a_file_name),
        ("C7", c7_crlf_in_the_url),
        ("C8", c8_crlf_in_the_ip_field),
        ("C9", c9_crlf_in_a_registration),
        ("F1", f1_dot_dot_slash),
        ("F2", f2_dot_dot_backslash),
        ("F3", f3_absolute_paths),
        ("F4", f4_nul_in_a_file_name),
        ("F5", f5_a_name_of_dots_only),
        ("F6", f6_a_hidden_file),
        ("F7", f7_traversal_in_the_attachment_id),
        ("F8", f8_traversal_in_the_url),
        ("F9", f9_a_file_name_that_is_not_ascii),
        ("N1", n1_a_user_name_in_other_case),
        ("N2", n2_renaming_to_a_name_in_other_case),
        ("N3", n3_cyrillic_letters),
        ("N4", n4_fullwidth_letters),
        ("N5", n5_zero_width_space),
        ("N6", n6_an_email_in_other_case),
        ("N7", n7_registering_a_name_in_other_case),
        ("N8", n8_signing_in_with_a_confusable_name),
        ("M1", m1_a_customer_sets_status_and_assignees),
        ("M2", m2_a_customer_files_as_someone_else_by_email),
        ("M3", m3_a_customer_files_as_someone_else_by_id),
        ("M4", m4_a_customer_assigns),
        ("M5", m5_a_customer_resolves),
        ("M6", m6_a_customer_writes_an_internal_note),
        ("M7", m7_a_customer_replies_as_someone_else),
        ("M8", m8_a_customer_raises_their_level),
        ("M9", m9_registering_as_an_administrator),
        ("M10", m10_a_user_manager_makes_administrators),
        ("M11", m11_a_key_makes_an_administrator),
        ("M12", m12_a_view_for_someone_else),
        ("M13", m13_ones_own_password_without_the_current_one),
        ("M14", m14_learning_agents_login_names),
        ("K1", k1_a_read_key_files_a_ticket),
        ("K2", k2_a_read_key_changes_a_ticket),
        ("K3", k3_a_read_key_makes_users_and_topics),
        ("K4", k4_a_key_from_outside_its_network),
        ("K5", k5_a_forwarded_address),
        ("K6", k6_an_ipv6_only_key_over_ipv4),
        ("K7", k7_a_write_only_key_reads),
        ("K8", k8_a_key_mints_a_key),
        ("K9", k9_a_revoked_key),
        ("K10", k10_a_guessed_secret),
        ("K11", k11_acting_as_a_disabled_user),
        ("K12", k12_a_key_in_the_url),
        ("K13", k13_a_key_reads_a_reset_link),
        ("K14", k14_a_key_chooses_a_password),
        ("K15", k15_a_key_moves_an_account_to_its_own_address),
        ("K16", k16_a_key_reroutes_the_account_mail),
        ("K17", k17_a_key_makes_a_user_manager),
        ("K18", k18_a_kept_key_that_is_weak_ours_or_ambiguous),
        ("R1", r1_a_reset_token_used_twice),
        ("G1", g1_a_visitor_writes_as_an_account),
        ("G2", g2_a_stranger_registers_an_address_first),
        ("G3", g3_a_look_alike_address),
        ("G4", g4_registration_tells_whose_address_has_an_account),
        ("L1", l1_clients_behind_one_proxy),
        ("L2", l2_one_account_from_many_addresses),
        ("L3", l3_a_flood_of_reset_mails),
        ("L4", l4_a_trickled_body),
        ("L5", l5_many_requests_held_open),
        ("E1", e1_header_injection_through_the_mail_settings),
        ("E2", e2_template_injection),
        ("E3", e3_a_strangers_mail_joins_a_ticket),
        ("E4", e4_a_mail_loop),
        ("E5", e5_piping_without_the_right),
        ("E6", e6_sending_a_mail_twice),
        ("E7", e7_the_mail_jobs_without_the_right),
        ("E8", e8_a_template_that_writes_gigabytes),
        ("U1", u1_a_customer_reads_the_clients),
        ("U2", u2_a_customer_picks_a_client),
        ("U3", u3_a_technical_contact_reaches_another_client),
        ("U4", u4_a_contact_of_another_client),
        ("U5", u5_one_domain_for_two_clients),
        ("U6", u6_markup_and_injection_in_client_fields),
        ("U7", u7_a_closed_client_takes_a_ticket),
        ("E9", e9_piping_what_is_no_mail),
        ("H1", h1_a_tracking_image_in_mailed_html),
        ("H2", h2_a_link_that_names_another_site),
        ("H3", h3_a_look_alike_host_in_a_link),
        ("H4", h4_hostile_html_mailed_in),
        ("H5", h5_the_web_apps_image_policy),
        ("O1", o1_a_cloud_metadata_service_as_the_mail_server),
        ("O2", o2_this_machines_services_as_the_mail_server),
        ("O3", o3_opening_the_policy_through_the_api),
        ("O4", o4_a_host_saved_before_the_policy_closed),
        ("O5", o5_a_foreign_services_banner),
        ("T1", t1_an_agents_from_forged_over_the_pipe),
        ("T2", t2_someone_elses_reply_token),
        ("T3", t3_a_customers_from_forged),
        ("T4", t4_forged_authentication_results),
        ("T5", t5_an_agents_from_forged_over_imap),
        ("T6", t6_reply_tokens_read_from_the_outbox),
        ("D1", d1_a_draft_on_anothers_ticket),
        ("D2", d2_another_persons_draft),
        ("D3", d3_a_key_keeping_drafts),
        ("D4", d4_a_customer_takes_or_gives_a_ticket),
        ("D5", d5_a_hostile_requester),
        ("V1", v1_a_stream_without_a_valid_token),
        ("V2", v2_a_customer_listens_for_the_agents),
        ("V3", v3_a_forged_resume_point),
        ("V4", v4_a_flood_of_streams),
        ("V5", v5_presence_from_someone_not_an_agent),
        ("A1", a1_another_agents_notifications),
        ("A2", a2_a_bell_for_customers_and_programs),
        ("A3", a3_mentions_that_name_nobody),
        ("A4", a4_another_agents_counts),
        ("W1", w1_a_customer_copies_people),
        ("W2", w2_hostile_copies),
        ("W3", w3_a_copied_person_oversteps),
    ]
}

/// The ids of the attack list in docs/security.md.
fn documented_ids() -> Vec<String> {
    DocTable::read("security.md", &["id", "attack"]).rows.into_iter().map(|r| r[0].clone()).collect()
}

fn theme(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

#[test]
fn every_attack_in_the_doc_has_a_case() {
    let documented = documented_ids();
    let unique: BTreeSet<&String> = documented.iter().collect();
    assert_eq!(unique.len(), documented.len(), "docs/security.md lists an attack id twice");
    let coded: BTreeSet<String> = cases().into_iter().map(|(id, _)| id.to_owned()).collect();
    let documented: BTreeSet<String> = documented.into_iter().collect();
    assert_eq!(documented, coded, "the attack list of docs/security.md and the cases of attacks.rs differ");
    for id in &coded {
        // Each theme needs its #[test] calling `run` (a case listed but never run proves nothing).
        let runner = format!("run(\"{}\");", theme(id));
        assert!(include_str!("attacks.rs").contains(&runner), "{id}: no test runs this theme");
    }
    assert!(coded.len() >= 40, "the issue asks for at least 40 attacks");
}

/// Runs the cases of one theme on one server, all of them even when some fail, and fails listing
/// those. A 500 anywhere fails the theme too.
fn run(letter: &str) {
    // Mail goes to the local test sinks, except where the outgoing policy itself is attacked.
    let w = world(if letter == "O" { "" } else { ALLOW_LOOPBACK });
    let mut failed = Vec::new();
    let mine: Vec<(&str, Case)> = cases().into_iter().filter(|(id, _)| theme(id) == letter).collect();
    assert!(!mine.is_empty(), "no case of theme {letter}");
    for (id, case) in &mine {
        if catch_unwind(AssertUnwindSafe(|| case(&w))).is_err() {
            failed.push(*id);
        }
    }
    eprintln!("attacks {letter}: {} cases, {} failed", mine.len(), failed.len());
    assert!(failed.is_empty(), "attacks {failed:?} did not get the expected answer (see above)");
    assert!(!w.s.log().contains("internal error"), "an attack caused a 500:\n{}", w.s.log());
}

#[test]
fn v_the_event_stream() {
    run("V");
}

#[test]
fn d_drafts_and_requesters() {
    run("D");
}

#[test]
fn w_people_copied_on_tickets() {
    run("W");
}

#[test]
fn a_the_bell_and_counts() {
    run("A");
}

#[test]
fn g_tickets_bound_to_addresses() {
    run("G");
}

#[test]
fn l_limits_per_client_and_account() {
    run("L");
}

#[test]
fn x_stored_scripts() {
    run("X");
}

#[test]
fn s_sql_in_filters_and_search() {
    run("S");
}

#[test]
fn j_forged_tokens() {
    run("J");
}

#[test]
fn b_guessing() {
    run("B");
}

#[test]
fn p_hostile_bodies() {
    run("P");
}

#[test]
fn c_line_breaks_in_fields_and_headers() {
    run("C");
}

#[test]
fn f_paths_in_file_names() {
    run("F");
}

#[test]
fn n_look_alike_names() {
    run("N");
}

#[test]
fn m_mass_assignment() {
    run("M");
}

#[test]
fn e_mail_in_and_out() {
    run("E");
}

#[test]
fn h_html_the_desk_mails() {
    run("H");
}

#[test]
fn o_outgoing_connections() {
    run("O");
}

#[test]
fn t_forged_senders_of_mail() {
    run("T");
}

#[test]
fn k_key_scopes_and_networks() {
    run("K");
}

#[test]
fn r_password_reset() {
    run("R");
}

#[test]
fn u_clients_and_their_people() {
    run("U");
}

#[test]
fn y_other_products_apis() {
    run("Y");
}

/// A server with an administrator, an agent, two customers with a ticket each (Olga's with an
/// attachment) and a key with every scope.
struct World {
    s: TestServer,
    admin: Auth,
    /// read, write, impersonate, admin.
    staff: Auth,
    agent: Auth,
    alice: Person,
    alice_auth: Auth,
    alice_ticket: String,
    olga: Person,
    olga_auth: Auth,
    olga_ticket: String,
}

/// The theme's world; `extra` is added to its oxidesk.toml. mx.desk.test: the receiving mail
/// server whose Authentication-Results the T cases trust.
fn world(extra: &str) -> World {
    let s = TestServer::start_with_config(&format!(
        "login_attempts_per_minute = 100000\n[mail]\ntrusted_authserv_ids = [\"mx.desk.test\"]\n{extra}"
    ));
    s.admin_create("root", "root@example.com", PASSWORD);
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    let staff = s.apikey("staff", "read,write,impersonate,admin", None).auth();
    s.create_person(&admin, "agent", 3, Some(PASSWORD));
    let agent = Auth::Bearer(s.login_token("agent", PASSWORD));
    let alice = s.create_person(&admin, "alice", 1, Some(PASSWORD));
    let olga = s.create_person(&admin, "olga", 1, Some(PASSWORD));
    let alice_ticket = s.open_ticket_for(&staff, &alice, None);
    let olga_ticket = s.open_ticket_for(&staff, &olga, Some("payslip.txt"));
    let alice_auth = Auth::Bearer(s.login_token("alice", PASSWORD));
    let olga_auth = Auth::Bearer(s.login_token("olga", PASSWORD));
    World { s, admin, staff, agent, alice, alice_auth, alice_ticket, olga, olga_auth, olga_ticket }
}

impl World {
    /// How many tickets and users exist.
    fn counts(&self) -> (i64, i64) {
        let users = self.s.get("/api/users.json?per_page=1", &self.staff);
        users.expect(200);
        (self.s.ticket_total(&self.staff), users.total_count())
    }

    /// POST /api/tickets.json asking for the ticket as JSON.
    fn create(&self, auth: &Auth, body: Value) -> Resp {
        self.s.send(
            Method::POST,
            "/api/tickets.json",
            auth,
            &[("Accept", "application/json")],
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
    }

    /// A ticket for Alice with this message, filed by the staff key; returns its first entry.
    fn message(&self, message: &str) -> Value {
        let r =
            self.create(&self.staff, json!({"email": self.alice.email, "subject": "About HTML", "message": message}));
        r.expect(201);
        threads(&r.json())[0].clone()
    }

    /// Runs `attack` and checks that it created no ticket and no user.
    #[track_caller]
    fn creates_nothing(&self, attack: impl FnOnce()) {
        let before = self.counts();
        attack();
        assert_eq!(self.counts(), before, "a refused request created a ticket or a user");
    }

    /// Runs `attack` and checks that it left the ticket as it was.
    #[track_caller]
    fn leaves(&self, number: &str, attack: impl FnOnce()) {
        let before = self.s.snapshot(number, &self.staff);
        attack();
        self.s.assert_unchanged(number, &self.staff, &before, "an attack");
    }

    fn path(&self, number: &str) -> String {
        format!("/api/tickets.json/{number}")
    }

    fn raw(&self, method: Method, path: &str, auth: &Auth, body: &[u8]) -> Resp {
        self.s.send(method, path, auth, &[], Some("application/json"), Some(body.to_vec()))
    }

    fn open_registrations(&self) {
        self.s.put_json("/api/settings.json", &self.admin, &json!({"allow_registrations": true})).expect(200);
    }

    fn register(&self, username: &str, name: &str, email: &str) -> Resp {
        self.s.post_json(
            "/api/auth/register.json",
            &Auth::None,
            &json!({"username": username, "name": name, "email": email, "password": PASSWORD}),
        )
    }

    /// A ticket for Alice carrying one attachment of this name; returns the attachment.
    fn attach(&self, name: &str, mime: &str, content: &[u8]) -> Value {
        let r = self.create(
            &self.staff,
            json!({"email": self.alice.email, "subject": "A file", "message": "Attached",
                                                "attachments": [{ name: data_url(mime, content) }]}),
        );
        r.expect(201);
        threads(&r.json())[0]["attachments"][0].clone()
    }

    /// Downloads an attachment as the staff key; checks it is only ever a download.
    fn download(&self, attachment: &Value) -> Resp {
        let r = self.s.get(&format!("/api/attachments/{}", attachment["id"]), &self.staff);
        r.expect(200);
        assert_eq!(r.content_type(), "application/octet-stream", "served as a download");
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
        assert!(r.header("content-disposition").unwrap_or_default().starts_with("attachment;"), "{:?}", r.headers);
        r
    }
}

/// The ticket numbers a list answer shows.
fn numbers(r: &Resp) -> Vec<String> {
    let body = r.json();
    let list = body.as_array().cloned().or_else(|| body["tickets"].as_array().cloned()).unwrap_or_default();
    list.iter().map(|t| t["ticket_number"].as_str().unwrap_or_default().to_owned()).collect()
}

/// A customer's list with this query: 200 (or 422 when the search has no words), never anyone
/// else's ticket.
#[track_caller]
fn alice_lists(w: &World, query: &str) -> Resp {
    let r = w.s.get(&format!("/api/tickets.json?{query}"), &w.alice_auth);
    assert!(r.status == 200 || r.status == 422, "?{query}: {} {}", r.status, r.text);
    if r.status == 200 {
        assert!(numbers(&r).iter().all(|n| *n == w.alice_ticket), "?{query}: Alice sees {:?}", numbers(&r));
        assert!(!r.text.contains(&w.olga_ticket), "?{query}: Olga's ticket leaks");
    }
    r
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// --- X: stored scripts ---

fn x1_script_in_a_subject(w: &World) {
    let subject = "<script>alert(document.cookie)</script>";
    let r = w.create(&w.staff, json!({"email": w.alice.email, "subject": subject, "message": "hello"}));
    r.expect(201);
    assert_eq!(r.json()["subject"], subject, "a subject is text, kept as written");
    for r in [r, w.s.get("/api/tickets.json", &w.staff)] {
        assert!(r.content_type().starts_with("application/json"), "{}", r.content_type());
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    }
}

#[track_caller]
fn clean_html(entry: &Value, banned: &[&str]) -> String {
    assert_eq!(entry["format"], "html", "{entry}");
    let body = entry["body"].as_str().unwrap().to_owned();
    for bad in banned {
        assert!(!body.to_ascii_lowercase().contains(bad), "{bad:?} survived in {body:?}");
    }
    assert_eq!(entry["message"]["body"], entry["body"]);
    body
}

fn x2_script_in_an_html_body(w: &World) {
    let body = clean_html(&w.message("<p>Hi</p><script>alert(1)</script>"), &["<script", "alert"]);
    assert_eq!(body, "<p>Hi</p>");
}

fn x3_event_handler_attribute(w: &World) {
    let body = clean_html(
        &w.message(r#"<img src="x" onerror="alert(1)"><b onmouseover=alert(2)>hi</b>"#),
        &["onerror", "onmouseover", "alert"],
    );
    assert!(body.contains("<b>hi</b>"), "{body}");
}

fn x4_javascript_link(w: &World) {
    let body = clean_html(
        &w.message(r#"<a href="javascript:alert(1)">click</a> <a href="JaVaScRiPt&colon;alert(2)">again</a>"#),
        &["javascript", "alert"],
    );
    assert!(body.contains("click") && body.contains("again"), "{body}");
}

fn x14_script_in_markdown(w: &World) {
    let path = w.path(&w.alice_ticket);
    let markdown = "**Hi** <script>alert(1)</script>\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n<iframe src=\"https://evil.example/\"></iframe>";
    let r = w.s.put_json(&path, &w.agent, &json!({"message": markdown, "format": "markdown"}));
    r.expect(200);
    let last = threads(&r.json()).last().cloned().expect("an entry");
    let body = clean_html(&last, &["<script", "javascript", "onerror", "alert", "<iframe", "evil.example"]);
    assert!(body.contains("<strong>Hi</strong>") && body.contains("click"), "{body}");
}

fn x15_pictures_that_are_not_the_message_s(w: &World) {
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";
    let path = w.path(&w.alice_ticket);
    // A picture of another ticket's, or a name made to differ from the file's only once cleaned.
    w.leaves(&w.alice_ticket, || {
        for (message, files) in [
            (r#"<p>Look <img src="cid:payroll.pdf"></p>"#, json!([])),
            (
                r#"<p>Look <img src="cid:a%0D%0ABcc:%20x@evil.test.png"></p>"#,
                json!([{"a\r\nBcc: x@evil.test.png": png}]),
            ),
        ] {
            w.s.put_json(&path, &w.alice_auth, &json!({"message": message, "attachments": files}))
                .expect_invalid_fields(&["message"]);
        }
    });
    // Its own picture stays in place, and only what a picture may carry comes with it.
    let r = w.s.put_json(
        &path,
        &w.alice_auth,
        &json!({"message": r#"<p>Mine <img src="cid:mine.png" onerror="alert(1)"></p>"#, "attachments": [{"mine.png": png}]}),
    );
    r.expect(200);
    let last = threads(&r.json()).last().cloned().expect("an entry");
    let body = clean_html(&last, &["onerror", "alert"]);
    assert!(body.contains(r#"<img src="cid:mine.png">"#), "{body}");
    assert_eq!(last["attachments"][0]["content_id"], "mine.png", "{last}");
}

fn x5_svg_iframe_and_style(w: &World) {
    let body = clean_html(
        &w.message(r#"<svg onload=alert(1)></svg><iframe src="https://evil.example/"></iframe><style>body{display:none}</style><object data="x.swf"></object><p>text</p>"#),
        &["<svg", "onload", "<iframe", "<style", "<object", "evil.example"],
    );
    assert!(body.contains("<p>text</p>"), "{body}");
}

fn x6_a_body_that_is_only_a_script(w: &World) {
    w.creates_nothing(|| {
        let r = w.create(
            &w.staff,
            json!({"email": w.alice.email, "subject": "Nothing", "message": "<script>alert(1)</script>"}),
        );
        r.expect_invalid_fields(&["message"]);
    });
    w.leaves(&w.alice_ticket, || {
        w.s.put_json(&w.path(&w.alice_ticket), &w.alice_auth, &json!({"message": "<script>alert(1)</script>"}))
            .expect_invalid_fields(&["message"]);
    });
}

fn x7_html_sent_as_a_data_url(w: &World) {
    let body = clean_html(
        &w.message("data:text/html,%3Cscript%3Ealert(1)%3C%2Fscript%3E%3Cb%3Ebold%3C%2Fb%3E"),
        &["<script", "alert"],
    );
    assert_eq!(body, "<b>bold</b>");
}

fn x8_markup_in_a_persons_name(w: &World) {
    let name = "<img src=x onerror=alert(1)> Mallory";
    let r = w.s.post_json("/api/users.json", &w.staff, &json!({"name": name, "email": "mallory@example.com"}));
    r.expect(201);
    assert_eq!(r.json()["fullname"], name, "a name is text, kept as written");
    assert!(r.content_type().starts_with("application/json"));
    let r = w.create(&w.staff, json!({"email": "mallory@example.com", "subject": "Hi", "message": "hi"}));
    r.expect(201);
    assert_eq!(threads(&r.json())[0]["poster"], name);
}

fn x9_markup_in_a_file_name(w: &World) {
    let a = w.attach(r#"<img src=x onerror="alert(1)">.html"#, "text/plain", b"hi");
    assert_eq!(a["filename"], "img src=x onerror=alert(1).html");
    let r = w.download(&a);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some(r#"attachment; filename="img src=x onerror=alert(1).html""#)
    );
}

fn x10_an_html_attachment(w: &World) {
    let a = w.attach("page.html", "text/html", b"<script>alert(1)</script>");
    assert_eq!(a["content_type"], "text/html");
    let r = w.download(&a);
    assert_eq!(r.text, "<script>alert(1)</script>", "the bytes are the file's, served as a download only");
}

fn x13_html_without_a_policy(w: &World) {
    let docs = w.s.get("/api/docs/", &Auth::None);
    docs.expect(200);
    assert!(docs.content_type().starts_with("text/html"), "{}", docs.content_type());
    let policy = docs.header("content-security-policy").expect("a Content-Security-Policy on /api/docs/");
    for part in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"] {
        assert!(policy.contains(part), "{policy}");
    }
    assert!(!policy.contains("script-src 'self' 'unsafe-inline'"), "{policy}");
    assert_eq!(docs.header("x-frame-options").as_deref(), Some("DENY"));
    // HSTS only when a trusted proxy says the client came over HTTPS; never on a header alone.
    let https = [("X-Forwarded-Proto", "https")];
    let r = w.s.send(Method::GET, "/api/health", &Auth::None, &https, None, None);
    assert_eq!(r.header("strict-transport-security"), None, "no proxy is trusted here");
    let proxied = behind_a_proxy("");
    let r = proxied.send(Method::GET, "/api/health", &Auth::None, &https, None, None);
    assert_eq!(r.header("strict-transport-security").as_deref(), Some("max-age=31536000"));
    let r = proxied.send(Method::GET, "/api/health", &Auth::None, &[], None, None);
    assert_eq!(r.header("strict-transport-security"), None, "plain HTTP through the proxy");
}

fn x12_personal_data_kept_by_a_cache(w: &World) {
    let attachment = w.attach("notes.txt", "text/plain", b"private");
    let answers = [
        w.s.get(&w.path(&w.alice_ticket), &w.staff),
        w.s.get("/api/users/me.json", &w.alice_auth),
        w.download(&attachment),
        w.s.get("/api/tickets.json", &w.alice_auth),
        w.s.get("/api/users/me.json", &Auth::None),
    ];
    for (r, status) in answers.iter().zip([200, 200, 200, 200, 401]) {
        r.expect(status);
        assert_eq!(r.header("cache-control").as_deref(), Some("no-store"), "{:?}", r.headers);
    }
}

fn x11_the_web_apps_content_security_policy(w: &World) {
    let page = format!("/tickets/{}", w.alice_ticket);
    let r = w.s.get(&page, &Auth::None);
    if r.status == 404 && r.text.contains("built without its web app") {
        eprintln!("X11: this binary has no web app (make test builds it first); only the API's headers were checked");
        let api = w.s.get(&w.path(&w.alice_ticket), &w.staff);
        assert!(api.content_type().starts_with("application/json"));
        assert_eq!(api.header("x-content-type-options").as_deref(), Some("nosniff"));
        return;
    }
    r.expect(200);
    assert!(r.content_type().starts_with("text/html"), "{}", r.content_type());
    let policy = r.header("content-security-policy").expect("the web app's document has a Content-Security-Policy");
    let directive =
        |name: &str| policy.split(';').map(str::trim).find(|d| d.starts_with(name)).unwrap_or_default().to_owned();
    assert!(!directive("script-src").is_empty() && !directive("script-src").contains("'unsafe-inline'"), "{policy}");
    for required in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
        assert!(policy.contains(required), "{required} missing from {policy}");
    }
    assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(!r.text.contains("alert("), "the document is static: no ticket data in it");
}

// --- S: SQL and query syntax in filters and search ---

fn s1_or_true_in_the_search(w: &World) {
    for q in ["' OR '1'='1", "' OR 1=1 --", "olga' OR 'a'='a"] {
        alice_lists(w, &format!("q={}", enc(q)));
    }
}

fn s2_or_true_in_the_email_filter(w: &World) {
    for email in ["x' OR 'x'='x", &format!("{}' OR '1'='1", w.olga.email)] {
        let r = alice_lists(w, &format!("email={}", enc(email)));
        assert_eq!(r.json(), json!([]));
        let r = w.s.get(&format!("/api/tickets.json?email={}", enc(email)), &w.staff);
        r.expect(200);
        assert_eq!(r.json(), json!([]), "no customer has the address {email:?}");
    }
}

fn s3_sql_in_the_user_filter(w: &World) {
    for value in [format!("{} OR 1=1", w.olga.id), "1; DROP TABLE tickets".to_owned()] {
        w.s.get(&format!("/api/tickets.json?user_id={}", enc(&value)), &w.alice_auth).expect_error(400, "bad_request");
    }
    let r = alice_lists(w, &format!("user_id={}", w.olga.id));
    assert_eq!(r.json(), json!([]));
}

fn s4_sql_in_the_status_filter(w: &World) {
    w.s.get(&format!("/api/tickets.json?status={}", enc("1' OR '1'='1")), &w.alice_auth)
        .expect_invalid_fields(&["status"]);
}

fn s5_stacked_query_in_the_queue_filter(w: &World) {
    w.creates_nothing(|| {
        w.s.get(&format!("/api/tickets.json?queue={}", enc("1;DROP TABLE tickets")), &w.staff)
            .expect_error(400, "bad_request");
    });
}

fn s6_union_in_the_topic_and_priority_filters(w: &World) {
    for filter in ["topic", "priority"] {
        let r = w
            .s
            .get(&format!("/api/tickets.json?{filter}={}", enc("1 UNION SELECT password_hash FROM users")), &w.staff);
        r.expect_error(400, "bad_request");
        assert!(!r.text.contains("$argon2"), "{}", r.text);
    }
}

fn s7_sql_in_the_assignee_filter(w: &World) {
    w.s.get(&format!("/api/tickets.json?assignee={}", enc("1 OR 1=1")), &w.staff).expect_invalid_fields(&["assignee"]);
}

fn s8_sql_in_the_sort(w: &World) {
    w.s.get(&format!("/api/tickets.json?sort={}", enc("created;DROP TABLE users")), &w.staff)
        .expect_invalid_fields(&["sort"]);
}

fn s9_search_engine_syntax(w: &World) {
    for q in [
        r#"") OR ticket_fts MATCH '*"#,
        "subject:*",
        "NEAR(olga payslip)",
        "a & !b | c:*",
        "olga*",
        "\\",
        "x\" OR \"y",
        "Ⅻ ١٢٣ é́",
    ] {
        let r = alice_lists(w, &format!("q={}", enc(q)));
        if r.status == 422 {
            r.expect_invalid_fields(&["q"]);
        }
    }
    // The same word finds Olga's ticket for staff: the search works, it only shows what one may see.
    alice_lists(w, "q=olga");
    let r = w.s.get("/api/tickets.json?q=olga", &w.staff);
    r.expect(200);
    assert_eq!(numbers(&r), std::slice::from_ref(&w.olga_ticket));
}

fn s17_a_customer_searches_for_another(w: &World) {
    // The search finds tickets by customer name, address and number: for a customer, only theirs.
    let digits = w.olga_ticket.rsplit('-').next().unwrap_or_default().to_owned();
    for q in [w.olga.email.clone(), "olga person".to_owned(), w.olga_ticket.clone(), format!("#{digits}"), digits] {
        let r = alice_lists(w, &format!("q={}", enc(&q)));
        assert!(numbers(&r).is_empty(), "{q}: {:?}", numbers(&r));
    }
    // LIKE's wildcards are not words, so they match nothing rather than everything.
    for q in ["%", "_", "%%_"] {
        w.s.get(&format!("/api/tickets.json?q={}", enc(q)), &w.staff).expect_invalid_fields(&["q"]);
    }
    // A list of statuses is checked part by part.
    w.s.get(&format!("/api/tickets.json?status={}", enc("open,1' OR '1'='1")), &w.staff)
        .expect_invalid_fields(&["status"]);
    let r = w.s.get(&format!("/api/tickets.json?q={}", enc(&w.olga.email)), &w.staff);
    r.expect(200);
    assert_eq!(numbers(&r), std::slice::from_ref(&w.olga_ticket), "staff find her by address");
}

fn s10_sql_in_the_user_search(w: &World) {
    let r = w.s.get(&format!("/api/users.json?q={}", enc("%' OR '1'='1")), &w.agent);
    r.expect(200);
    assert_eq!(r.json(), json!([]));
    for q in ["\\", "_", "'; DROP TABLE users; --"] {
        w.s.get(&format!("/api/users.json?q={}", enc(q)), &w.agent).expect(200);
    }
}

fn s11_sql_in_the_user_level_filter(w: &World) {
    w.s.get(&format!("/api/users.json?level={}", enc("1 OR 1=1")), &w.agent).expect_error(400, "bad_request");
}

fn s12_sql_in_the_client_mail(w: &World) {
    let r = w.s.get(&format!("/api/scp/tickets/clientTickets.json?clientUserMail={}", enc("' OR 1=1 --")), &w.staff);
    r.expect(200);
    assert_eq!(r.json()["tickets"], json!([]));
}

fn s13_sql_in_the_staff_user_name(w: &World) {
    let r = w.s.get(&format!("/api/scp/tickets/staffTickets.json?staffUserName={}", enc("root' --")), &w.staff);
    r.expect(200);
    assert_eq!(r.json()["tickets"], json!([]));
}

fn s14_sql_in_ticket_info(w: &World) {
    w.s.get(&format!("/api/scp/tickets/ticketInfo.json?ticketNumber={}", enc("' OR 1=1 --")), &w.staff)
        .expect_error(404, "not_found");
}

fn s15_sql_in_a_ticket_number(w: &World) {
    w.leaves(&w.alice_ticket, || {
        let path = w.path(&enc(&format!("{}' OR '1'='1", w.alice_ticket)));
        w.s.get(&path, &w.staff).expect_error(404, "not_found");
        w.s.put_json(&path, &w.staff, &json!({"message": "to every ticket?"})).expect_error(404, "not_found");
    });
}

fn s16_sql_in_a_login(w: &World) {
    for (username, password) in
        [("root' --", "anything at all"), ("root", "' OR '1'='1"), ("' OR 1=1 --", "' OR 1=1 --")]
    {
        w.s.login(username, password).expect_error(401, "unauthorized");
    }
}

// --- J: forged tokens ---

fn jwt_secret(w: &World) -> Vec<u8> {
    let text = std::fs::read_to_string(w.s.data_dir().join("jwt_secret")).expect("the server's jwt_secret");
    base64::engine::general_purpose::STANDARD.decode(text.trim()).expect("base64")
}

/// The claims the server issues, for `sub` in session `sid`, valid now for 10 minutes.
fn claims(sub: Value, sid: i64) -> Value {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    json!({"sub": sub, "sid": sid, "iat": now, "nbf": now, "exp": now + 600, "iss": "oxidesk", "aud": "oxidesk-api"})
}

/// The payload of a token the server issued.
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// A live session of root's (user 1): forged tokens need one, or the session check alone refuses them.
fn root_session(w: &World) -> i64 {
    payload(&w.s.login_token("root", PASSWORD))["sid"].as_i64().expect("sid")
}

fn sign(alg: Algorithm, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn me(w: &World, token: &str) -> Resp {
    w.s.get("/api/users/me.json", &Auth::bearer(token))
}

/// The token with these claims is refused, while the same claims made valid are accepted (so the
/// refusal is the change's doing).
#[track_caller]
fn forged(w: &World, alg: Algorithm, secret: &[u8], change: impl Fn(&mut Value)) {
    let root = claims(json!("1"), root_session(w));
    me(w, &sign(Algorithm::HS256, &root, &jwt_secret(w))).expect(200);
    let mut bad = root.clone();
    change(&mut bad);
    let r = me(w, &sign(alg, &bad, secret));
    r.expect_error(401, "unauthorized");
    assert_eq!(r.header("www-authenticate").as_deref(), Some("Bearer"));
}

fn j1_alg_none(w: &World) {
    let body = b64(claims(json!("1"), root_session(w)).to_string().as_bytes());
    for header in [r#"{"alg":"none","typ":"JWT"}"#, r#"{"alg":"None"}"#, r#"{"alg":"NONE","typ":"JWT"}"#] {
        let token = format!("{}.{body}.", b64(header.as_bytes()));
        me(w, &token).expect_error(401, "unauthorized");
        me(w, token.trim_end_matches('.')).expect_error(401, "unauthorized");
    }
}

fn j2_a_wrong_key(w: &World) {
    forged(w, Algorithm::HS256, b"a secret somebody guessed, long enough", |_| {});
    forged(w, Algorithm::HS256, b"", |_| {});
}

fn j3_expired(w: &World) {
    let secret = jwt_secret(w);
    forged(w, Algorithm::HS256, &secret, |c| {
        c["exp"] = json!(c["iat"].as_i64().unwrap() - 3600);
        c["nbf"] = json!(c["iat"].as_i64().unwrap() - 7200);
    });
}

fn j4_tampered_subject(w: &World) {
    let token = w.s.login_token("alice", PASSWORD);
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    me(w, &token).expect(200);
    payload["sub"] = json!("1");
    let tampered = format!("{}.{}.{}", parts[0], b64(payload.to_string().as_bytes()), parts[2]);
    me(w, &tampered).expect_error(401, "unauthorized");
    // Nor does a longer life help.
    payload["sub"] = json!(w.alice.id.to_string());
    payload["exp"] = json!(payload["exp"].as_i64().unwrap() + 86_400 * 365);
    me(w, &format!("{}.{}.{}", parts[0], b64(payload.to_string().as_bytes()), parts[2]))
        .expect_error(401, "unauthorized");
}

fn j5_another_audience(w: &World) {
    let secret = jwt_secret(w);
    forged(w, Algorithm::HS256, &secret, |c| c["aud"] = json!("another-app"));
    forged(w, Algorithm::HS256, &secret, |c| {
        c.as_object_mut().unwrap().remove("aud");
    });
}

fn j6_another_issuer(w: &World) {
    let secret = jwt_secret(w);
    forged(w, Algorithm::HS256, &secret, |c| c["iss"] = json!("evil"));
}

fn j7_not_yet_valid(w: &World) {
    let secret = jwt_secret(w);
    forged(w, Algorithm::HS256, &secret, |c| c["nbf"] = json!(c["iat"].as_i64().unwrap() + 3600));
}

fn j8_another_algorithm_with_the_right_secret(w: &World) {
    let secret = jwt_secret(w);
    forged(w, Algorithm::HS512, &secret, |_| {});
    forged(w, Algorithm::HS384, &secret, |_| {});
}

fn j9_no_expiry(w: &World) {
    let secret = jwt_secret(w);
    for claim in ["exp", "nbf", "sub"] {
        forged(w, Algorithm::HS256, &secret, |c| {
            c.as_object_mut().unwrap().remove(claim);
        });
    }
}

fn j10_a_subject_that_is_nobody(w: &World) {
    let secret = jwt_secret(w);
    for sub in [json!("999999"), json!("1 OR 1=1"), json!(1), json!(""), json!("-1")] {
        forged(w, Algorithm::HS256, &secret, |c| c["sub"] = sub.clone());
    }
}

fn j11_a_token_kept_after_signing_out(w: &World) {
    let token = Auth::Bearer(w.s.login_token("alice", PASSWORD));
    w.s.get("/api/users/me.json", &token).expect(200);
    w.s.send(Method::POST, "/api/auth/logout.json", &token, &[], None, None).expect(204);
    w.s.get("/api/users/me.json", &token).expect_error(401, "unauthorized");
    w.creates_nothing(|| {
        w.create(&token, json!({"subject": "After signing out", "message": "Still here?"}))
            .expect_error(401, "unauthorized");
    });
}

// --- B: guessing ---

fn b1_password_guessing(_: &World) {
    let s = TestServer::start();
    s.admin_create("root", "root@example.com", PASSWORD);
    for attempt in 1..=10 {
        let r = s.login("root", &format!("guess number {attempt}"));
        r.expect_error(401, "unauthorized");
    }
    let r = s.login("root", "guess number 11");
    r.expect_error(429, "rate_limited");
    let retry: u64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    s.login("root", PASSWORD).expect_error(429, "rate_limited");
    // The limit is the TCP peer's: a forwarded-for header does not reset it.
    let body = serde_json::to_vec(&json!({"username": "root", "password": PASSWORD})).unwrap();
    for header in [("X-Forwarded-For", "10.9.8.7"), ("X-Real-IP", "10.9.8.7"), ("Forwarded", "for=10.9.8.7")] {
        let r = s.send(
            Method::POST,
            "/api/auth/login.json",
            &Auth::None,
            &[header],
            Some("application/json"),
            Some(body.clone()),
        );
        r.expect_error(429, "rate_limited");
    }
}

fn b2_user_enumeration(w: &World) {
    let known = w.s.login("root", "not the password at all");
    known.expect_error(401, "unauthorized");
    for (username, password) in [
        ("nobody-here", "not the password at all"),
        ("root@example.com", "another wrong one"),
        ("olga", "a wrong password"),
    ] {
        let r = w.s.login(username, password);
        assert_eq!(
            (r.status, &r.text),
            (known.status, &known.text),
            "{username}: a wrong password and an unknown user must look alike"
        );
    }
}

fn b3_guest_ticket_flood(_: &World) {
    let s = TestServer::start();
    s.admin_create("root", "root@example.com", PASSWORD);
    // The administrator's sign-in is one of the address's 10 anonymous attempts a minute.
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    s.put_json("/api/settings.json", &admin, &json!({"allow_guest_tickets": true})).expect(200);
    let guest = json!({"name": "Guest Flood", "email": "flood@example.com", "subject": "Spam", "message": "Buy now"});
    for _ in 0..9 {
        s.post_json("/api/tickets.json", &Auth::None, &guest).expect(201);
    }
    let r = s.post_json("/api/tickets.json", &Auth::None, &guest);
    r.expect_error(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
    let staff = s.apikey("count", "read", None).auth();
    assert_eq!(s.ticket_total(&staff), 9);
}

// --- P: hostile bodies ---

fn ticket_body(message: &str) -> String {
    json!({"email": "big@example.com", "subject": "Big", "message": message}).to_string()
}

fn p1_oversized_body(_: &World) {
    // With max_attachment_mb = 1 a JSON body may be about 7.3 MiB.
    let s = TestServer::start_with_config("max_attachment_mb = 1\n");
    let staff = s.apikey("staff", "read,write", None).auth();
    let body = ticket_body(&"a".repeat(8 * 1024 * 1024)).into_bytes();
    s.send(Method::POST, "/api/tickets.json", &staff, &[], Some("application/json"), Some(body.clone()))
        .expect_error(413, "payload_too_large");
    // Without Content-Length (chunked), the body is cut off while it is read.
    let r = s
        .client()
        .post(s.url("/api/tickets.json"))
        .header(
            "X-API-Key",
            match &staff {
                Auth::Key(k) => k.clone(),
                _ => unreachable!(),
            },
        )
        .header("Content-Type", "application/json")
        .body(reqwest::blocking::Body::new(std::io::Cursor::new(body)))
        .send()
        .expect("an answer");
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(s.ticket_total(&staff), 0);
}

fn p2_deeply_nested_unknown_field(w: &World) {
    w.creates_nothing(|| {
        for depth in [100, 10_000, 100_000] {
            let body = format!(
                r#"{{"email": "deep@example.com", "subject": "Deep", "message": "m", "x": {}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            w.raw(Method::POST, "/api/tickets.json", &w.staff, body.as_bytes()).expect_error(400, "bad_request");
        }
    });
    w.leaves(&w.alice_ticket, || {
        let body = format!(r#"{{"message": "m", "x": {}1{}}}"#, r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        w.raw(Method::PUT, &w.path(&w.alice_ticket), &w.staff, body.as_bytes()).expect_error(400, "bad_request");
    });
}

fn p3_deeply_nested_known_field(w: &World) {
    w.creates_nothing(|| {
        let body = format!(
            r#"{{"email": "deep@example.com", "subject": {}"s"{}, "message": "m"}}"#,
            r#"{"a":"#.repeat(200),
            "}".repeat(200)
        );
        w.raw(Method::POST, "/api/tickets.json", &w.staff, body.as_bytes()).expect_error(400, "bad_request");
    });
}

fn p4_duplicate_keys(w: &World) {
    w.creates_nothing(|| {
        let body = br#"{"email": "dup@example.com", "subject": "First", "subject": "Second", "message": "m"}"#;
        w.raw(Method::POST, "/api/tickets.json", &w.staff, body).expect_error(400, "bad_request");
    });
}

fn p5_invalid_utf8(w: &World) {
    w.creates_nothing(|| {
        let body = b"{\"email\": \"bad@example.com\", \"subject\": \"\xff\xfe\", \"message\": \"m\"}";
        w.raw(Method::POST, "/api/tickets.json", &w.staff, body).expect_error(400, "bad_request");
    });
}

fn p6_nul_in_a_subject(w: &World) {
    w.creates_nothing(|| {
        let r = w.s.post_json(
            "/api/tickets.json",
            &w.staff,
            &json!({"email": "nul@example.com", "subject": "a\u{0}b", "message": "m"}),
        );
        r.expect_invalid_fields(&["subject"]);
    });
}

fn p7_numbers_out_of_range(w: &World) {
    w.creates_nothing(|| {
        let body = br#"{"email": "n@example.com", "subject": "s", "message": "m", "priority": 1e400}"#;
        w.raw(Method::POST, "/api/tickets.json", &w.staff, body).expect_error(400, "bad_request");
        let body = br#"{"email": "n@example.com", "subject": "s", "message": "m", "topicId": 99999999999999999999999}"#;
        w.raw(Method::POST, "/api/tickets.json", &w.staff, body).expect_invalid_fields(&["topicId"]);
    });
    w.leaves(&w.alice_ticket, || {
        w.s.put_json(
            &w.path(&w.alice_ticket),
            &w.staff,
            &json!({"message": "m", "version": -9_223_372_036_854_775_807i64}),
        )
        .expect_error(409, "conflict");
    });
}

fn p8_a_page_past_any_end(w: &World) {
    for path in ["/api/tickets.json", "/api/users.json", "/api/scp/tickets.json"] {
        for page in ["9223372036854775807", "92233720368547758"] {
            let r = w.s.get(&format!("{path}?page={page}&per_page=100"), &w.staff);
            r.expect(200);
            assert_eq!(r.json(), json!([]), "{path}?page={page}");
        }
    }
}

fn p10_json_without_a_content_type(w: &World) {
    w.creates_nothing(|| {
        let body = serde_json::to_vec(&json!({"subject": "No type", "message": "Read me as JSON"})).unwrap();
        let r = w.s.send(Method::POST, "/api/tickets.json", &w.staff, &[], None, Some(body));
        r.expect_error(415, "unsupported_media_type");
    });
    w.leaves(&w.alice_ticket, || {
        let body = serde_json::to_vec(&json!({"message": "No type"})).unwrap();
        let r = w.s.send(Method::PUT, &w.path(&w.alice_ticket), &w.alice_auth, &[], None, Some(body));
        r.expect_error(415, "unsupported_media_type");
    });
}

fn p9_a_message_of_many_files(w: &World) {
    let tiny: Vec<Value> = (0..21).map(|i| json!({ format!("{i}.txt"): "data:text/plain;base64,eA==" })).collect();
    let nine_mb = format!("data:application/octet-stream;base64,{}", "A".repeat(9 * 1024 * 1024 / 3 * 4));
    let big: Vec<Value> = (0..4).map(|i| json!({ format!("{i}.bin"): nine_mb.clone() })).collect();
    w.creates_nothing(|| {
        let r = w.create(
            &w.staff,
            json!({"email": "p9@example.com", "name": "P Nine", "subject": "Files", "message": "m", "attachments": tiny}),
        );
        r.expect_invalid_fields(&["attachments"]);
        let r = w.create(
            &w.staff,
            json!({"email": "p9@example.com", "name": "P Nine", "subject": "Files", "message": "m", "attachments": big}),
        );
        r.expect(413);
    });
}

// --- C: line breaks in fields and headers ---

const INJECTED: &str = "\r\nBcc: everyone@example.com";

fn c1_crlf_in_a_ticket_email(w: &World) {
    w.creates_nothing(|| {
        let email = format!("{}{INJECTED}", w.alice.email);
        w.s.post_json("/api/tickets.json", &w.staff, &json!({"email": email, "subject": "s", "message": "m"}))
            .expect_invalid_fields(&["email"]);
    });
}

fn c2_crlf_in_a_persons_name(w: &World) {
    w.creates_nothing(|| {
        let body = json!({"name": format!("Eve{INJECTED}"), "email": "eve@example.com"});
        w.s.post_json("/api/users.json", &w.staff, &body).expect_invalid_fields(&["name"]);
        w.s.post_json(
            "/api/tickets.json",
            &w.staff,
            &json!({"name": format!("Eve{INJECTED}"), "email": "eve@example.com", "subject": "s", "message": "m"}),
        )
        .expect_invalid_fields(&["name"]);
    });
    let r =
        w.s.put_json(&format!("/api/users.json/{}", w.olga.id), &w.staff, &json!({"name": format!("Olga{INJECTED}")}));
    r.expect_invalid_fields(&["name"]);
}

fn c3_crlf_in_a_subject(w: &World) {
    w.creates_nothing(|| {
        w.s.post_json(
            "/api/tickets.json",
            &w.staff,
            &json!({"email": "s@example.com", "subject": format!("Hi{INJECTED}"), "message": "m"}),
        )
        .expect_invalid_fields(&["subject"]);
    });
    w.leaves(&w.alice_ticket, || {
        w.s.put_json(&w.path(&w.alice_ticket), &w.staff, &json!({"subject": format!("Hi{INJECTED}")}))
            .expect_invalid_fields(&["subject"]);
    });
}

fn c4_crlf_in_a_queue_email(w: &World) {
    let before = w.s.get("/api/queues.json", &w.admin).text;
    w.s.post_json(
        "/api/queues.json",
        &w.admin,
        &json!({"name": "Mail", "email": format!("help@example.com{INJECTED}")}),
    )
    .expect_invalid_fields(&["email"]);
    assert_eq!(w.s.get("/api/queues.json", &w.admin).text, before);
}

fn c5_crlf_in_a_phone_number(w: &World) {
    w.creates_nothing(|| {
        w.s.post_json(
            "/api/users.json",
            &w.staff,
            &json!({"name": "Phil", "email": "phil@example.com", "phone": "555 0100\r\nX-Injected: 1"}),
        )
        .expect_invalid_fields(&["phone"]);
    });
}

fn c6_crlf_in_a_file_name(w: &World) {
    let a = w.attach("a\r\nSet-Cookie: owned=1.txt", "text/plain", b"x");
    assert_eq!(a["filename"], "aSet-Cookie owned=1.txt");
    let r = w.download(&a);
    assert!(r.header("set-cookie").is_none(), "a header was injected: {:?}", r.headers);
    assert_eq!(r.header("content-disposition").as_deref(), Some(r#"attachment; filename="aSet-Cookie owned=1.txt""#));
}

fn c7_crlf_in_the_url(w: &World) {
    let r = w.s.get(&format!("{}%0d%0aSet-Cookie:%20owned=1", w.path(&w.alice_ticket)), &w.staff);
    r.expect_error(404, "not_found");
    assert!(r.header("set-cookie").is_none(), "{:?}", r.headers);
    // The list's Link header repeats the query: encoded, never as a line break.
    let r = w.s.get("/api/tickets.json?per_page=1&x=%0d%0aSet-Cookie:%20owned=1", &w.staff);
    r.expect(200);
    assert!(r.header("set-cookie").is_none(), "{:?}", r.headers);
    assert!(
        r.header("link").unwrap_or_default().contains("x=%0D%0ASet-Cookie%3A%20owned%3D1"),
        "{:?}",
        r.header("link")
    );
}

fn c8_crlf_in_the_ip_field(w: &World) {
    w.creates_nothing(|| {
        w.s.post_json(
            "/api/tickets.json",
            &w.staff,
            &json!({"email": "ip@example.com", "subject": "s", "message": "m", "ip": "192.0.2.1\r\nX-Injected: 1"}),
        )
        .expect_invalid_fields(&["ip"]);
    });
}

fn c9_crlf_in_a_registration(w: &World) {
    w.open_registrations();
    w.creates_nothing(|| {
        w.register("newbie", &format!("New Bie{INJECTED}"), "newbie@example.com").expect_invalid_fields(&["name"]);
        w.register("newbie", "New Bie", &format!("newbie@example.com{INJECTED}")).expect_invalid_fields(&["email"]);
    });
}

// --- F: paths in file names ---

/// Every file under the data folder that is not a database file, the log or an attachment blob.
fn stray_files(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            stray_files(&path, root, out);
        } else if rel.starts_with("attachments/") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !(name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit())) {
                out.push(rel);
            }
        } else if !["oxidesk.db", "server.log", "jwt_secret", "oxidesk.toml"].iter().any(|known| rel.starts_with(known))
        {
            out.push(rel);
        }
    }
}

/// The upload under this name is stored as `stored` and lands only where blobs go.
#[track_caller]
fn stored_as(w: &World, name: &str, stored: &str) {
    let a = w.attach(name, "text/plain", format!("uploaded as {name:?}").as_bytes());
    assert_eq!(a["filename"], stored, "{name:?}");
    let r = w.download(&a);
    assert_eq!(r.header("content-disposition"), Some(format!("attachment; filename=\"{stored}\"")));
    let mut strays = Vec::new();
    stray_files(w.s.data_dir(), w.s.data_dir(), &mut strays);
    assert!(strays.is_empty(), "files outside the attachment store: {strays:?}");
}

fn f1_dot_dot_slash(w: &World) {
    stored_as(w, "../../etc/passwd", "passwd");
    stored_as(w, "../../../jwt_secret", "jwt_secret");
}

fn f2_dot_dot_backslash(w: &World) {
    stored_as(w, "..\\..\\windows\\win.ini", "win.ini");
}

fn f3_absolute_paths(w: &World) {
    stored_as(w, "/etc/shadow", "shadow");
    stored_as(w, "C:\\boot.ini", "boot.ini");
}

fn f4_nul_in_a_file_name(w: &World) {
    stored_as(w, "evil.php\u{0}.txt", "evil.php.txt");
}

fn f5_a_name_of_dots_only(w: &World) {
    w.creates_nothing(|| {
        for name in ["../..", "..", "/", " . "] {
            let body = json!({"email": "f@example.com", "subject": "s", "message": "m", "attachments": [{ name: data_url("text/plain", b"x") }]});
            w.s.post_json("/api/tickets.json", &w.staff, &body).expect_invalid_fields(&["attachments[0]"]);
        }
    });
}

fn f6_a_hidden_file(w: &World) {
    stored_as(w, ".htaccess", "htaccess");
}

fn f7_traversal_in_the_attachment_id(w: &World) {
    for path in
        ["/api/attachments/..%2f..%2fjwt_secret", "/api/attachments/..%2Foxidesk.db", "/api/attachments/1%20OR%201=1"]
    {
        w.s.get(path, &w.staff).expect_error(404, "not_found");
    }
}

/// Sends a request line as written (no client normalises the path) and returns the answer.
fn raw_request(s: &TestServer, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn f8_traversal_in_the_url(w: &World) {
    let secret = std::fs::read_to_string(w.s.data_dir().join("jwt_secret")).unwrap();
    for path in [
        "/../jwt_secret",
        "/%2e%2e/jwt_secret",
        "/..%2fjwt_secret",
        "/api/../jwt_secret",
        "/../../../../etc/passwd",
        "/assets/..%2f..%2fjwt_secret",
    ] {
        let answer = raw_request(&w.s, path);
        let status = answer.split(' ').nth(1).unwrap_or_default();
        assert!(status == "200" || status == "404", "{path}: {answer}");
        assert!(!answer.contains(secret.trim()) && !answer.contains("root:x:0"), "{path} served a file: {answer}");
        if status == "200" {
            assert!(
                answer.to_ascii_lowercase().contains("content-type: text/html"),
                "{path}: only the web app's document: {answer}"
            );
        }
    }
}

fn f9_a_file_name_that_is_not_ascii(w: &World) {
    let a = w.attach("résumé \"final\".pdf", "application/pdf", b"%PDF");
    assert_eq!(a["filename"], "résumé final.pdf");
    let r = w.download(&a);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"r_sum_ final.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf")
    );
}

// --- N: names that look alike ---

fn taken(r: &Resp, field: &str) {
    let fields = r.expect_invalid_fields(&[field]);
    assert_eq!(fields[field], "is already in use", "{fields}");
}

#[track_caller]
fn not_a_user_name(r: &Resp) {
    let fields = r.expect_invalid_fields(&["username"]);
    assert!(fields["username"].as_str().unwrap().contains("letters, digits"), "{fields}");
}

fn create_named(w: &World, username: &str, email: &str) -> Resp {
    w.s.post_json(
        "/api/users.json",
        &w.admin,
        &json!({"username": username, "name": "Look Alike", "email": email, "password": PASSWORD}),
    )
}

fn n1_a_user_name_in_other_case(w: &World) {
    w.creates_nothing(|| {
        for name in ["ROOT", "Root", " root "] {
            taken(&create_named(w, name, "lookalike@example.com"), "username");
        }
    });
}

fn n2_renaming_to_a_name_in_other_case(w: &World) {
    let r = w.s.put_json(&format!("/api/users.json/{}", w.olga.id), &w.admin, &json!({"username": "ALICE"}));
    taken(&r, "username");
    assert_eq!(w.s.get(&format!("/api/users.json/{}", w.olga.id), &w.admin).json()["username"], "olga");
}

fn n3_cyrillic_letters(w: &World) {
    w.creates_nothing(|| {
        // U+043E and U+0430: Cyrillic о and а.
        for name in ["r\u{43e}\u{43e}t", "\u{430}lice", "\u{430}dmin"] {
            not_a_user_name(&create_named(w, name, "cyrillic@example.com"));
        }
    });
}

fn n4_fullwidth_letters(w: &World) {
    w.creates_nothing(|| not_a_user_name(&create_named(w, "ｒｏｏｔ", "fullwidth@example.com")));
}

fn n5_zero_width_space(w: &World) {
    w.creates_nothing(|| {
        for name in ["ro\u{200b}ot", "root\u{200d}", "\u{feff}root", "roo\u{301}t"] {
            not_a_user_name(&create_named(w, name, "zerowidth@example.com"));
        }
    });
}

fn n6_an_email_in_other_case(w: &World) {
    w.creates_nothing(|| {
        for email in ["ROOT@EXAMPLE.COM", "Alice@Example.com"] {
            taken(&create_named(w, "someone.new", email), "email");
        }
    });
}

fn n7_registering_a_name_in_other_case(w: &World) {
    w.open_registrations();
    w.creates_nothing(|| {
        // Taken, said only in a mail to the address (G4).
        w.register("ROOT", "Not Root", "notroot@example.com").expect(202);
        w.register("newcomer", "Not Alice", "ALICE@example.com").expect(202);
        not_a_user_name(&w.register("\u{430}lice", "Not Alice", "notalice@example.com"));
    });
}

fn n8_signing_in_with_a_confusable_name(w: &World) {
    for name in ["r\u{43e}\u{43e}t", "ｒｏｏｔ", "ro\u{200b}ot"] {
        w.s.login(name, PASSWORD).expect_error(401, "unauthorized");
    }
    w.s.login("ROOT", PASSWORD).expect(200);
}

// --- M: mass assignment ---

fn m1_a_customer_sets_status_and_assignees(w: &World) {
    let agent_id = w.s.get("/api/users/me.json", &w.agent).json()["id"].clone();
    // What agents choose as they open a ticket is refused outright (attack D4): nothing is made.
    w.creates_nothing(|| {
        for agents_only in [json!({"status_id": 3}), json!({"statusId": 3}), json!({"assignee_ids": [agent_id]})] {
            let mut body = json!({"subject": "Mine", "message": "Please", "resolution": "Done"});
            body.as_object_mut().unwrap().extend(agents_only.as_object().unwrap().clone());
            w.create(&w.alice_auth, body).expect_error(403, "forbidden");
        }
    });
    // What nobody sets is ignored.
    let r = w.create(
        &w.alice_auth,
        json!({
            "subject": "Mine", "message": "Please", "level": 6, "status": "Closed",
            "assigned_to": [agent_id], "version": 99, "ticket_number": "TCK-1", "number": "TCK-1",
            "created_at": "2000-01-01T00:00:00Z", "time_spent": 600, "resolution": "Done",
        }),
    );
    r.expect(201);
    let t = r.json();
    assert_eq!(
        (&t["status_state"], &t["assigned_to"], &t["version"], &t["time_spent"]),
        (&json!("open"), &json!([]), &json!(1), &json!(0)),
        "{t}"
    );
    assert_eq!(t["user"]["id"], w.alice.id);
    assert_ne!(t["ticket_number"], "TCK-1");
    assert_eq!(w.s.get("/api/users/me.json", &w.alice_auth).json()["level"], 1);
}

fn m2_a_customer_files_as_someone_else_by_email(w: &World) {
    let olgas = w.s.get(&format!("/api/tickets.json?user_id={}", w.olga.id), &w.staff).total_count();
    let r = w.create(
        &w.alice_auth,
        json!({"subject": "Mine", "message": "Please", "email": w.olga.email, "name": "Olga Person"}),
    );
    r.expect(201);
    assert_eq!(r.json()["user"]["id"], w.alice.id, "a customer files for themselves");
    assert_eq!(w.s.get(&format!("/api/tickets.json?user_id={}", w.olga.id), &w.staff).total_count(), olgas);
}

fn m3_a_customer_files_as_someone_else_by_id(w: &World) {
    w.creates_nothing(|| {
        w.create(&w.alice_auth, json!({"subject": "Yours", "message": "Please", "user_id": w.olga.id}))
            .expect_error(403, "forbidden");
    });
}

/// Alice changes her own ticket with this body: 403, and nothing changes.
#[track_caller]
fn alice_may_not(w: &World, body: Value) {
    w.leaves(&w.alice_ticket, || {
        w.s.put_json(&w.path(&w.alice_ticket), &w.alice_auth, &body).expect_error(403, "forbidden");
    });
}

fn m4_a_customer_assigns(w: &World) {
    alice_may_not(w, json!({"message": "Take it", "assignee_ids": [w.alice.id]}));
}

fn m5_a_customer_resolves(w: &World) {
    alice_may_not(w, json!({"message": "Fixed it myself", "status_id": 3, "resolution": "Done"}));
    alice_may_not(w, json!({"message": "Urgent!", "priority": "Urgent"}));
}

fn m6_a_customer_writes_an_internal_note(w: &World) {
    alice_may_not(w, json!({"message": "Psst", "type": "note"}));
}

fn m7_a_customer_replies_as_someone_else(w: &World) {
    alice_may_not(w, json!({"message": "Signed, Olga", "user_id": w.olga.id}));
    alice_may_not(w, json!({"message": "Signed, Olga", "email": w.olga.email}));
    alice_may_not(w, json!({"message": "Signed, root", "from_user": "root"}));
}

fn m8_a_customer_raises_their_level(w: &World) {
    let path = format!("/api/users.json/{}", w.alice.id);
    w.s.put_json(&path, &w.alice_auth, &json!({"level": 6})).expect_error(403, "forbidden");
    w.s.put_json(&path, &w.alice_auth, &json!({"name": "Alice Admin", "level": 3})).expect_error(403, "forbidden");
    assert_eq!(w.s.get("/api/users/me.json", &w.alice_auth).json()["level"], 1);
}

fn m9_registering_as_an_administrator(w: &World) {
    w.open_registrations();
    let r = w.s.post_json("/api/auth/register.json", &Auth::None, &json!({
        "username": "climber", "name": "Climber", "email": "climber@example.com", "password": PASSWORD, "level": 6, "level_name": "Administrator",
    }));
    // Registrations wait for their confirmation link (202); the level is the settings' anyway.
    r.expect(202);
    assert_eq!(w.s.get("/api/users.json?q=climber", &w.admin).json()[0]["level"], 1);
}

fn m10_a_user_manager_makes_administrators(w: &World) {
    let manager = w.s.create_person(&w.admin, "manager", 5, Some(PASSWORD));
    let auth = Auth::Bearer(w.s.login_token("manager", PASSWORD));
    w.creates_nothing(|| {
        w.s.post_json("/api/users.json", &auth, &json!({"name": "Boss", "email": "boss@example.com", "level": 6}))
            .expect_error(403, "forbidden");
        w.s.post_json("/api/users.json", &auth, &json!({"name": "Peer", "email": "peer@example.com", "level": 5}))
            .expect_error(403, "forbidden");
    });
    w.s.put_json(&format!("/api/users.json/{}", manager.id), &auth, &json!({"level": 6}))
        .expect_error(403, "forbidden");
    w.s.put_json(&format!("/api/users.json/{}", w.olga.id), &auth, &json!({"level": 6})).expect_error(403, "forbidden");
    assert_eq!(w.s.get(&format!("/api/users.json/{}", w.olga.id), &w.admin).json()["level"], 1);
}

fn m11_a_key_makes_an_administrator(w: &World) {
    w.creates_nothing(|| {
        w.s.post_json(
            "/api/users.json",
            &w.staff,
            &json!({"name": "Bot Boss", "email": "botboss@example.com", "level": 6}),
        )
        .expect_error(403, "forbidden");
    });
    w.s.put_json(&format!("/api/users.json/{}", w.olga.id), &w.staff, &json!({"level": 6}))
        .expect_error(403, "forbidden");
}

fn m12_a_view_for_someone_else(w: &World) {
    let r = w.s.post_json(
        "/api/views.json",
        &w.alice_auth,
        &json!({"name": "Planted", "query": "status=open", "user_id": w.olga.id}),
    );
    r.expect(201);
    let olgas = w.s.get("/api/views.json", &w.olga_auth);
    assert!(!olgas.text.contains("Planted"), "{}", olgas.text);
    assert!(w.s.get("/api/views.json", &w.alice_auth).text.contains("Planted"));
}

fn m13_ones_own_password_without_the_current_one(w: &World) {
    w.s.create_person(&w.admin, "m13-manager", 5, Some(PASSWORD));
    for name in ["root", "m13-manager"] {
        let token = Auth::Bearer(w.s.login_token(name, PASSWORD));
        let me = w.s.get("/api/users/me.json", &token);
        me.expect(200);
        let path = format!("/api/users.json/{}/password", me.json()["id"]);
        w.s.send(
            Method::PUT,
            &path,
            &token,
            &[],
            Some("application/json"),
            Some(br#"{"password": "a password the owner never chose"}"#.to_vec()),
        )
        .expect_error(403, "forbidden");
        w.s.get("/api/users/me.json", &token).expect(200);
        w.s.login(name, PASSWORD).expect(200);
        w.s.login(name, "a password the owner never chose").expect_error(401, "unauthorized");
    }
}

fn m14_learning_agents_login_names(w: &World) {
    let number = w.s.open_ticket_for(&w.staff, &w.alice, None);
    let agent_id = w.s.get("/api/users/me.json", &w.agent).json()["id"].clone();
    w.s.put_json(&w.path(&number), &w.staff, &json!({"assignee_ids": [agent_id]})).expect(200);
    w.s.send(Method::PUT, &format!("{}/follow", w.path(&number)), &w.agent, &[], None, None).expect(200);
    let as_customer = w.s.get(&w.path(&number), &w.alice_auth);
    as_customer.expect(200);
    let listed = w.s.get("/api/tickets.json?threads=false", &w.alice_auth);
    let in_list = listed.json().as_array().unwrap().iter().find(|t| t["ticket_number"] == number.as_str()).cloned();
    for ticket in [as_customer.json(), in_list.expect("the ticket in the customer's list")] {
        for people in ["assigned_to", "followers"] {
            assert_eq!(ticket[people][0]["name"], "agent Person", "{ticket}");
            assert_eq!(ticket[people][0]["username"], Value::Null, "{people}: {ticket}");
        }
    }
    let as_staff = w.s.get(&w.path(&number), &w.staff).json();
    assert_eq!(as_staff["assigned_to"][0]["username"], "agent", "agents see the login name");
}

// --- K: key scopes and networks ---

fn k1_a_read_key_files_a_ticket(w: &World) {
    let reader = w.s.apikey("k1-reader", "read", None).auth();
    w.creates_nothing(|| {
        w.s.post_json("/api/tickets.json", &reader, &json!({"email": "r@example.com", "subject": "s", "message": "m"}))
            .expect_error(403, "forbidden");
    });
}

fn k2_a_read_key_changes_a_ticket(w: &World) {
    let reader = w.s.apikey("k2-reader", "read", None).auth();
    w.leaves(&w.alice_ticket, || {
        let path = w.path(&w.alice_ticket);
        w.s.put_json(&path, &reader, &json!({"message": "from a reader"})).expect_error(403, "forbidden");
        w.s.delete_json(&path, &reader, &json!({})).expect_error(403, "forbidden");
        w.s.post_json(&path, &reader, &json!({})).expect_error(403, "forbidden");
        w.s.post_json("/api/tickets/bulk.json", &reader, &json!({"numbers": [w.alice_ticket], "priority": "Urgent"}))
            .expect_error(403, "forbidden");
    });
}

fn k3_a_read_key_makes_users_and_topics(w: &World) {
    let reader = w.s.apikey("k3-reader", "read", None).auth();
    let topics = w.s.get("/api/topics.json?all=true", &w.staff).text;
    w.creates_nothing(|| {
        w.s.post_json("/api/users.json", &reader, &json!({"name": "Eve", "email": "eve.reader@example.com"}))
            .expect_error(403, "forbidden");
        w.s.post_json("/api/topics.json", &reader, &json!({"value": "Reader topic"})).expect_error(403, "forbidden");
    });
    assert_eq!(w.s.get("/api/topics.json?all=true", &w.staff).text, topics);
}

#[track_caller]
fn refused_from_here(w: &World, key: &Auth, headers: &[(&str, &str)]) {
    w.creates_nothing(|| {
        let r = w.s.send(Method::GET, "/api/tickets.json", key, headers, None, None);
        let body = r.expect_error(403, "forbidden");
        assert!(!body.to_string().contains(&w.alice_ticket), "{body}");
        let ticket = serde_json::to_vec(&json!({"email": "far@example.com", "subject": "s", "message": "m"})).unwrap();
        w.s.send(Method::POST, "/api/tickets.json", key, headers, Some("application/json"), Some(ticket))
            .expect_error(403, "forbidden");
    });
}

fn k4_a_key_from_outside_its_network(w: &World) {
    let key = w.s.apikey("office", "read,write,impersonate", Some("10.0.0.0/8")).auth();
    refused_from_here(w, &key, &[]);
}

fn k5_a_forwarded_address(w: &World) {
    let key = w.s.apikey("office2", "read,write", Some("10.0.0.0/8,192.0.2.0/24")).auth();
    for header in [
        ("X-Forwarded-For", "10.1.2.3"),
        ("X-Real-IP", "10.1.2.3"),
        ("Forwarded", "for=192.0.2.7"),
        ("X-Forwarded-For", "127.0.0.1, 10.1.2.3"),
    ] {
        refused_from_here(w, &key, &[header]);
    }
}

fn k6_an_ipv6_only_key_over_ipv4(w: &World) {
    let key = w.s.apikey("v6", "read,write", Some("::1/128")).auth();
    refused_from_here(w, &key, &[]);
}

fn k7_a_write_only_key_reads(w: &World) {
    let writer = w.s.apikey("k7-writer", "write", None).auth();
    for path in ["/api/tickets.json".to_owned(), w.path(&w.alice_ticket), "/api/users.json".to_owned()] {
        w.s.get(&path, &writer).expect_error(403, "forbidden");
    }
}

fn k8_a_key_mints_a_key(w: &World) {
    let before = w.s.get("/api/apikeys.json", &w.admin).json().as_array().unwrap().len();
    let r = w.s.post_json(
        "/api/apikeys.json",
        &w.staff,
        &json!({"name": "escalated", "scopes": ["read", "write", "impersonate"]}),
    );
    r.expect_error(403, "forbidden");
    assert_eq!(w.s.get("/api/apikeys.json", &w.admin).json().as_array().unwrap().len(), before);
}

fn k9_a_revoked_key(w: &World) {
    let key = w.s.apikey("k9-revoked", "read,write", None);
    w.s.get("/api/tickets.json", &key.auth()).expect(200);
    w.s.apikey_revoke(key.id);
    w.s.get_until_revoked("/api/tickets.json", &key.auth()).expect_error(401, "unauthorized");
    w.creates_nothing(|| {
        w.s.post_json(
            "/api/tickets.json",
            &key.auth(),
            &json!({"email": "rev@example.com", "subject": "s", "message": "m"}),
        )
        .expect_error(401, "unauthorized");
    });
}

fn k10_a_guessed_secret(w: &World) {
    let key = w.s.apikey("k10-real", "read", None);
    let (prefix, secret) = key.key.rsplit_once('_').unwrap();
    let mut flipped: Vec<char> = secret.chars().collect();
    flipped[0] = if flipped[0] == 'a' { 'b' } else { 'a' };
    for guess in [
        format!("{prefix}_{}", flipped.iter().collect::<String>()),
        format!("{prefix}_"),
        prefix.to_owned(),
        format!("{}x", key.key),
    ] {
        w.s.get("/api/tickets.json", &Auth::key(&guess)).expect_error(401, "unauthorized");
    }
}

fn k18_a_kept_key_that_is_weak_ours_or_ambiguous(w: &World) {
    let keep = |secret: &str| {
        w.s.post_json("/api/apikeys.json", &w.admin, &json!({"name": "kept", "scopes": ["read"], "secret": secret}))
    };
    let before = w.s.get("/api/apikeys.json", &w.admin).json().as_array().map(Vec::len);
    for weak in [
        "password123",
        "oxk_abcdefgh_0123456789abcdefghijklmnopqrstuv",
        "0qvG4DkOz8NZnkuh\r\nX-Evil: 1",
        "' OR '1'='1' OR 'x'='x",
    ] {
        keep(weak).expect_invalid_fields(&["secret"]);
    }
    keep("k18kept-0123456789abcdefghij").expect(201);
    keep("k18kept-another-key-0123456789").expect_error(409, "conflict");
    assert_eq!(w.s.get("/api/apikeys.json", &w.admin).json().as_array().map(Vec::len), before.map(|n| n + 1));
    // Only the whole key opens: its first characters, a near miss, more characters do not.
    for guess in
        ["k18kept-0123456789abcdefghiJ", "k18kept-0123456789abcdefgh", "k18kept-0123456789abcdefghijk", "k18kept-"]
    {
        w.s.get("/api/tickets.json", &Auth::key(guess)).expect_error(401, "unauthorized");
    }
    w.s.get("/api/tickets.json", &Auth::key("k18kept-0123456789abcdefghij")).expect(200);
}

fn k11_acting_as_a_disabled_user(w: &World) {
    let gone = w.s.create_person(&w.admin, "gone", 1, None);
    w.s.put_json(&format!("/api/users.json/{}", gone.id), &w.admin, &json!({"level": 0})).expect(200);
    let number = w.s.open_ticket_for(&w.staff, &gone, None);
    w.leaves(&number, || {
        w.s.put_json(&w.path(&number), &w.staff, &json!({"user_id": gone.id, "message": "from beyond"}))
            .expect_error(403, "forbidden");
    });
    w.creates_nothing(|| {
        w.s.post_json("/api/tickets.json", &w.staff, &json!({"user_id": gone.id, "subject": "s", "message": "m"}))
            .expect_error(403, "forbidden");
    });
}

fn k12_a_key_in_the_url(w: &World) {
    let key = w.s.apikey("k12-url", "read", None);
    for param in ["key", "api_key", "apikey", "X-API-Key"] {
        w.s.get(&format!("/api/tickets.json?{param}={}", key.key), &Auth::None).expect_error(401, "unauthorized");
    }
}

/// The API keys' way to a person's session: none (docs/security.md, "No key becomes a person").
fn k13_a_key_reads_a_reset_link(w: &World) {
    w.s.post_json("/api/auth/reset.json", &Auth::None, &json!({"login": "olga"})).expect(202);
    let reset = eventually("Olga's reset mail in the outbox", || {
        let outbox = w.s.get("/api/outbox.json?per_page=100", &w.staff);
        outbox.expect(200);
        let mails = outbox.json();
        mails
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["recipient"] == w.olga.email.as_str() && m["kind"] == "account.reset")
            .cloned()
    });
    assert!(reset["body"].as_str().unwrap().contains("/reset?token=hidden-until-sent"), "{reset}");
    // Nothing else a key reads holds it either: the job's payload names only the mail.
    let jobs = w.s.get("/api/jobs.json?kind=mail.send&per_page=100", &w.staff);
    jobs.expect(200);
    assert!(!jobs.text.contains("token="), "{}", jobs.text);
    for guess in ["hidden-until-sent", "hidden"] {
        let r = w.s.post_json(
            "/api/auth/reset/confirm.json",
            &Auth::None,
            &json!({"token": guess, "password": "a password of the key's choosing"}),
        );
        r.expect_invalid_fields(&["token"]);
    }
    w.s.login("olga", PASSWORD).expect(200);
}

fn k14_a_key_chooses_a_password(w: &World) {
    w.creates_nothing(|| {
        for level in [1, 3] {
            let body = json!({"name": "Key Made", "email": format!("k14-{level}@example.com"), "username": format!("k14-{level}"),
                "level": level, "password": "a password the key knows"});
            w.s.post_json("/api/users.json", &w.staff, &body).expect_error(403, "forbidden");
            w.s.login(&format!("k14-{level}"), "a password the key knows").expect_error(401, "unauthorized");
        }
        let user = w.s.post_json("/api/scp/users.json", &w.staff, &json!({"name": "Scp Made", "email": "k14-scp@example.com", "password": "a password the key knows"}));
        user.expect_error(403, "forbidden");
    });
    let agent = w.s.create_person(&w.admin, "k14-agent", 3, Some(PASSWORD));
    w.s.put_json(
        &format!("/api/users.json/{}/password", agent.id),
        &w.staff,
        &json!({"password": "a password the key knows"}),
    )
    .expect_error(403, "forbidden");
    w.s.login("k14-agent", PASSWORD).expect(200);
}

fn k15_a_key_moves_an_account_to_its_own_address(w: &World) {
    for (field, value) in [("email", "attacker@evil.test"), ("username", "attacker")] {
        let r = w.s.put_json(&format!("/api/users.json/{}", w.alice.id), &w.staff, &json!({ field: value }));
        r.expect_error(403, "forbidden");
    }
    let alice = w.s.get(&format!("/api/users.json/{}", w.alice.id), &w.staff).json();
    assert_eq!((alice["email"].as_str(), alice["username"].as_str()), (Some(w.alice.email.as_str()), Some("alice")));
    // Someone who cannot sign in yet (no password, never signed in) may still get a corrected address.
    let contact =
        w.s.post_json("/api/users.json", &w.staff, &json!({"name": "Typo Person", "email": "typo@exmaple.com"}));
    contact.expect(201);
    let r = w.s.put_json(
        &format!("/api/users.json/{}", contact.json()["id"]),
        &w.staff,
        &json!({"email": "typo@example.com"}),
    );
    r.expect(200);
}

fn k16_a_key_reroutes_the_account_mail(w: &World) {
    let settings = w.s.get("/api/mail/settings.json", &w.staff).json();
    w.s.put_json("/api/mail/settings.json", &w.staff, &json!({"smtp_host": "mail.evil.test", "smtp_port": 25}))
        .expect_error(403, "forbidden");
    assert_eq!(w.s.get("/api/mail/settings.json", &w.staff).json(), settings);
    let templates = w.s.get("/api/mail/templates.json", &w.staff).json();
    for kind in ["account.reset", "account.confirm"] {
        let evil = json!({"subject": "Reset", "body_text": "Open https://evil.test/?next={{ link }}"});
        w.s.put_json(&format!("/api/mail/templates.json/{kind}"), &w.staff, &evil).expect_error(403, "forbidden");
    }
    assert_eq!(w.s.get("/api/mail/templates.json", &w.staff).json(), templates);
}

fn k17_a_key_makes_a_user_manager(w: &World) {
    w.creates_nothing(|| {
        let body = json!({"name": "Key Manager", "email": "k17@example.com", "level": 5});
        w.s.post_json("/api/users.json", &w.staff, &body).expect_error(403, "forbidden");
    });
    let agent = w.s.create_person(&w.admin, "k17-agent", 3, None);
    w.s.put_json(&format!("/api/users.json/{}", agent.id), &w.staff, &json!({"level": 5}))
        .expect_error(403, "forbidden");
    let manager = w.s.create_person(&w.admin, "k17-manager", 5, None);
    w.s.put_json(&format!("/api/users.json/{}", manager.id), &w.staff, &json!({"level": 1}))
        .expect_error(403, "forbidden");
    assert_eq!(w.s.get(&format!("/api/users.json/{}", agent.id), &w.staff).json()["level"], 3);
    assert_eq!(w.s.get(&format!("/api/users.json/{}", manager.id), &w.staff).json()["level"], 5);
}

// --- G: tickets bound to addresses ---

fn open_the_desk(w: &World, settings: Value) {
    w.s.put_json("/api/settings.json", &w.admin, &settings).expect(200);
}

/// The ticket numbers a person's list shows.
fn numbers_of(w: &World, auth: &Auth) -> Vec<String> {
    let list = w.s.get("/api/tickets.json?per_page=100&threads=false", auth);
    list.expect(200);
    list.json().as_array().unwrap().iter().map(|t| t["ticket_number"].as_str().unwrap().to_owned()).collect()
}

fn g1_a_visitor_writes_as_an_account(w: &World) {
    open_the_desk(w, json!({"allow_guest_tickets": true}));
    let filed = w.s.post_json(
        "/api/tickets.json",
        &Auth::None,
        &json!({"email": w.alice.email, "name": "Not Alice", "subject": "g1 planted", "message": "Click https://evil.test"}),
    );
    filed.expect(201);
    let number = filed.text.trim().to_owned();
    // Alice does not see it, nor can she be made to act on it, until she says it was her.
    assert!(!numbers_of(w, &w.alice_auth).contains(&number));
    w.s.get(&w.path(&number), &w.alice_auth).expect_error(404, "not_found");
    let seen = w.s.ticket(&number, &w.staff);
    assert_eq!((&seen["user"]["id"], &seen["held"]), (&json!(w.alice.id), &json!(true)), "the staff see whose it is");
    let token = mailed_token(&w.s, &w.admin, &w.alice.email, "/confirm");
    w.s.post_json("/api/auth/confirm.json", &Auth::None, &json!({"token": token})).expect(204);
    assert!(numbers_of(w, &w.alice_auth).contains(&number), "her link released it");
    assert_eq!(w.s.ticket(&number, &w.alice_auth)["held"], false);
}

fn g2_a_stranger_registers_an_address_first(w: &World) {
    open_the_desk(w, json!({"allow_registrations": true, "confirm_registrations": false}));
    let registration = json!({"username": "g2-stranger", "name": "Not Greta", "email": "greta@example.com", "password": "a stranger's passphrase"});
    w.s.post_json("/api/auth/register.json", &Auth::None, &registration).expect(201);
    let stranger = Auth::Bearer(w.s.login_token("g2-stranger", "a stranger's passphrase"));
    // Staff file for Greta's address, as they would for the real Greta.
    let number = w.s.post_json(
        "/api/tickets.json",
        &w.staff,
        &json!({"email": "greta@example.com", "subject": "g2 payslip", "message": "Private"}),
    );
    number.expect(201);
    let number = number.text.trim().to_owned();
    assert!(!numbers_of(w, &stranger).contains(&number), "an unproven address sees no ticket others filed for it");
    w.s.get(&w.path(&number), &stranger).expect_error(404, "not_found");
    // Whoever reads greta@example.com's mail is Greta: the link releases it.
    let token = mailed_token(&w.s, &w.admin, "greta@example.com", "/confirm");
    w.s.post_json("/api/auth/confirm.json", &Auth::None, &json!({"token": token})).expect(204);
    assert!(numbers_of(w, &stranger).contains(&number));
}

fn g3_a_look_alike_address(w: &World) {
    let look_alikes = ["\u{430}lice@example.com", "alice@ex\u{430}mple.com", "\u{251}lice@example.com"];
    let registration = |email: &str| {
        let fields =
            json!({"username": "g3-look", "name": "Alice", "email": email, "password": "a look-alike's passphrase"});
        w.s.post_json("/api/auth/register.json", &Auth::None, &fields)
    };
    open_the_desk(w, json!({"allow_registrations": true, "allow_guest_tickets": true, "confirm_registrations": false}));
    w.creates_nothing(|| {
        for email in look_alikes {
            if email.starts_with('\u{430}') {
                registration(email).expect_invalid_fields(&["email"]);
            } else {
                // Looking like Alice's: signed in at once, refused without saying whether the
                // name or the address is in use.
                registration(email).expect_invalid_fields(&["username"]);
            }
            w.s.post_json("/api/users.json", &w.admin, &json!({"name": "Alice", "email": email}))
                .expect_invalid_fields(&["email"]);
            let guest = json!({"email": email, "name": "Alice", "subject": "g3", "message": "m"});
            w.s.post_json("/api/tickets.json", &Auth::None, &guest).expect_invalid_fields(&["email"]);
        }
        // The same address written another way is the same account.
        let shouting = json!({"name": "Alice", "email": "ALICE@EXAMPLE.COM"});
        w.s.post_json("/api/users.json", &w.admin, &shouting).expect_invalid_fields(&["email"]);
        // Confirmed by mail, the answer is a free address's; the refusal is mailed to it (G4).
        open_the_desk(w, json!({"confirm_registrations": true}));
        for email in &look_alikes[1..] {
            registration(email).expect(202);
        }
    });
    let olga = format!("/api/users.json/{}", w.olga.id);
    w.s.put_json(&olga, &w.admin, &json!({"email": "\u{430}lice@example.com"})).expect_invalid_fields(&["email"]);
    // An address in one other alphabet is a person's own.
    let maria = w.s.post_json(
        "/api/users.json",
        &w.admin,
        &json!({"name": "Maria", "email": "\u{43c}\u{430}\u{440}\u{438}\u{44f}@example.com"}),
    );
    maria.expect(201);
    let bucher =
        w.s.post_json("/api/users.json", &w.admin, &json!({"name": "Anna", "email": "anna@b\u{fc}cher.example"}));
    bucher.expect(201);
    assert_eq!(bucher.json()["email"], "anna@xn--bcher-kva.example");
}

fn g4_registration_tells_whose_address_has_an_account(w: &World) {
    open_the_desk(w, json!({"allow_registrations": true, "confirm_registrations": true}));
    let register = |username: &str, email: &str| {
        let body = json!({"username": username, "name": "Someone", "email": email, "password": "g4's long passphrase"});
        w.s.post_json("/api/auth/register.json", &Auth::None, &body)
    };
    let mut answers = Vec::new();
    w.creates_nothing(|| {
        answers.push((register("g4-new", &w.alice.email), w.alice.email.as_str()));
        answers.push((register(&w.olga.username, "g4-fresh@example.com"), "g4-fresh@example.com"));
    });
    let made = register("g4-new", "g4-new@example.com");
    made.expect(202);
    // The three answers are one, but for the address each names.
    for (r, email) in answers {
        r.expect(202);
        let message = made.json()["message"].as_str().expect("a message").replace("g4-new@example.com", email);
        assert_eq!(r.json(), json!({"message": message}));
    }
    let users = w.s.get("/api/users.json?q=g4", &w.admin).json();
    assert_eq!(users.as_array().map(Vec::len), Some(1), "only g4-new was made: {users}");
    // The mail says it, to whoever reads the address: Alice, how to sign in; the registrant, why not.
    let mails = w.s.get("/api/outbox.json?per_page=100", &w.admin).json();
    let mail_to = |recipient: &str, kind: &str| {
        mails.as_array().expect("mails").iter().find(|m| m["recipient"] == recipient && m["kind"] == kind).cloned()
    };
    let told = mail_to(&w.alice.email, "account.exists").expect("Alice is told");
    assert!(told["body"].as_str().is_some_and(|b| b.contains("/forgot") && !b.contains("token=")), "{told}");
    let refused = mail_to("g4-fresh@example.com", "account.refused").expect("the registrant is told");
    assert!(refused["body"].as_str().is_some_and(|b| b.contains("/register")), "{refused}");
    // Registrations that sign in at once cannot hide a refusal, but do not say which was taken.
    open_the_desk(w, json!({"confirm_registrations": false}));
    w.creates_nothing(|| {
        let address = register("g4-other", &w.alice.email).expect_invalid_fields(&["username"]);
        let name = register(&w.olga.username, "g4-other@example.com").expect_invalid_fields(&["username"]);
        assert_eq!(address, name);
    });
}

// --- L: limits per client and per account ---

/// A server behind a reverse proxy on 127.0.0.1 (trusted), with this configuration added.
fn behind_a_proxy(extra: &str) -> TestServer {
    TestServer::start_with_config(&format!("trusted_proxies = [\"127.0.0.1\", \"::1\"]\n{extra}{ALLOW_LOOPBACK}"))
}

/// A sign-in that the proxy forwarded for `client`.
fn sign_in_via(s: &TestServer, http: &Client, client: &str, username: &str, password: &str) -> Resp {
    let body = serde_json::to_vec(&json!({"username": username, "password": password})).unwrap();
    let forwarded = [("X-Forwarded-For", client)];
    s.send_with(
        http,
        Method::POST,
        "/api/auth/login.json",
        &Auth::None,
        &forwarded,
        Some("application/json"),
        Some(body),
    )
}

fn l1_clients_behind_one_proxy(_: &World) {
    let s = behind_a_proxy("login_attempts_per_minute = 3\n");
    s.admin_create("root", "root@example.com", PASSWORD);
    for _ in 0..3 {
        sign_in_via(&s, s.client(), "203.0.113.1", "root", "a wrong guess").expect_error(401, "unauthorized");
    }
    sign_in_via(&s, s.client(), "203.0.113.1", "root", "a wrong guess").expect_error(429, "rate_limited");
    // The next client behind the same proxy is not held back by the first one.
    sign_in_via(&s, s.client(), "198.51.100.2", "root", PASSWORD).expect(200);
    // What the client wrote left of the proxy's own entry does not count.
    sign_in_via(&s, s.client(), "198.51.100.9, 203.0.113.1", "root", PASSWORD).expect_error(429, "rate_limited");
}

fn l2_one_account_from_many_addresses(_: &World) {
    let s = behind_a_proxy("failed_sign_ins_per_account = 5\n");
    let admin = s.admin_auth();
    let alice = s.create_person(&admin, "alice", 1, Some(PASSWORD));
    // Alice's own browser signed in before: it keeps its device cookie.
    sign_in_via(&s, s.cookie_client(), "192.0.2.10", "alice", PASSWORD).expect(200);
    for n in 1..=5 {
        let r = sign_in_via(&s, s.client(), &format!("203.0.113.{n}"), "alice", "a guess");
        r.expect_error(401, "unauthorized");
    }
    // A sixth address: the account waits, even with the right password (it is not tried).
    let r = sign_in_via(&s, s.client(), "203.0.113.6", "alice", PASSWORD);
    r.expect_error(429, "rate_limited");
    assert!(r.header("retry-after").and_then(|v| v.parse::<u64>().ok()).is_some_and(|s| (1..=900).contains(&s)));
    sign_in_via(&s, s.client(), "203.0.113.7", "ALICE@example.com", PASSWORD).expect_error(429, "rate_limited");
    // Her own browser still gets in; so does she after a reset link.
    sign_in_via(&s, s.cookie_client(), "192.0.2.10", "alice", PASSWORD).expect(200);
    s.post_json("/api/auth/reset.json", &Auth::None, &json!({"login": "alice"})).expect(202);
    let token = mailed_token(&s, &admin, &alice.email, "/reset");
    let reset = json!({"token": token, "password": "her brand new passphrase"});
    s.post_json("/api/auth/reset/confirm.json", &Auth::None, &reset).expect(204);
    sign_in_via(&s, s.client(), "203.0.113.8", "alice", "her brand new passphrase").expect(200);
}

fn l3_a_flood_of_reset_mails(_: &World) {
    let s = behind_a_proxy("");
    let admin = s.admin_auth();
    let alice = s.create_person(&admin, "alice", 1, Some(PASSWORD));
    let reset_from = |client: &str, login: &str| {
        let body = serde_json::to_vec(&json!({ "login": login })).unwrap();
        let forwarded = [("X-Forwarded-For", client)];
        let r =
            s.send(Method::POST, "/api/auth/reset.json", &Auth::None, &forwarded, Some("application/json"), Some(body));
        r.expect(202);
        r.text
    };
    let answers: Vec<String> =
        (1..=6).map(|n| reset_from(&format!("203.0.113.{n}"), if n % 2 == 0 { "alice" } else { "nobody" })).collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "the same answer for every request: {answers:?}");
    for n in 1..=5 {
        reset_from(&format!("198.51.100.{n}"), "alice");
    }
    let resets = || {
        let outbox = s.get("/api/outbox.json?per_page=100", &admin).json();
        outbox.as_array().unwrap().iter().filter(|m| m["recipient"] == alice.email.as_str()).count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while resets() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(resets(), 3, "three reset mails an hour, whatever was asked");
}

/// Starts a request whose body stops after its first bytes; returns the open connection.
fn trickle(s: &TestServer) -> std::net::TcpStream {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    write!(
        stream,
        "POST /api/auth/login.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"username\""
    )
    .unwrap();
    stream.flush().unwrap();
    stream
}

fn l4_a_trickled_body(_: &World) {
    let s = TestServer::start_with_config("body_idle_timeout_secs = 1\nbody_timeout_secs = 3\n");
    // A pause: the answer is 408 once the body has stopped for a second, and the connection ends.
    let mut paused = trickle(&s);
    paused.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut answer = Vec::new();
    let _ = paused.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    // A byte every half second never pauses long enough, but the whole body takes too long.
    let mut dripping = trickle(&s);
    dripping.set_read_timeout(Some(std::time::Duration::from_millis(500))).unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        // The server may have answered and closed already: what it said is still to be read.
        let _ = dripping.write_all(b" ");
        let mut buf = [0u8; 4096];
        match dripping.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if answer.ends_with(b"}") {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    s.get("/api/health", &Auth::None).expect(200);
}

fn l5_many_requests_held_open(_: &World) {
    let s = TestServer::start_with_config("requests_in_flight_per_address = 2\nbody_idle_timeout_secs = 2\n");
    let held: Vec<_> = (0..2).map(|_| trickle(&s)).collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let r = s.get("/api/health", &Auth::None);
    r.expect_error(429, "rate_limited");
    // Once the held requests time out, the address has its share again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let r = s.get("/api/health", &Auth::None);
        if r.status == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the held requests never ended: {} {}", r.status, r.text);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(held);
}

// --- R: password reset ---

fn r1_a_reset_token_used_twice(w: &World) {
    w.s.post_json("/api/auth/reset.json", &Auth::None, &json!({"login": "alice"})).expect(202);
    let token = mailed_token(&w.s, &w.admin, &w.alice.email, "/reset");
    let confirm = |password: &str| {
        w.s.post_json("/api/auth/reset/confirm.json", &Auth::None, &json!({"token": token, "password": password}))
    };
    let first = confirm("the first new password");
    assert!(first.status == 200 || first.status == 204, "{} {}", first.status, first.text);
    w.s.login("alice", "the first new password").expect(200);
    let again = confirm("the second new password");
    assert!(
        [400, 401, 404, 410, 422].contains(&again.status),
        "a used token must be refused: {} {}",
        again.status,
        again.text
    );
    w.s.login("alice", "the second new password").expect_error(401, "unauthorized");
    w.s.login("alice", "the first new password").expect(200);
}

fn e1_header_injection_through_the_mail_settings(w: &World) {
    let before = w.s.get("/api/mail/settings.json", &w.admin).json();
    let r = w.s.put_json(
        "/api/mail/settings.json",
        &w.admin,
        &json!({
            "from_name": "Desk\r\nBcc: victim@example.com", "from_address": "desk@example.com\r\nBcc: x@y",
            "smtp_host": "mail.example.com\r\nX: y"
        }),
    );
    r.expect_invalid_fields(&["from_address", "from_name", "smtp_host"]);
    assert_eq!(w.s.get("/api/mail/settings.json", &w.admin).json(), before);
}

fn e2_template_injection(w: &World) {
    let path = "/api/mail/templates.json/ticket.note";
    let before = w.s.get("/api/mail/templates.json", &w.admin).json();
    for body in [
        "{{ config }}",
        "{{ ticket.__class__ }}",
        "{{ self }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
    ] {
        let r = w.s.put_json(path, &w.admin, &json!({"subject": "Note", "body_text": body}));
        r.expect_invalid_fields(&["body_text"]);
    }
    assert_eq!(w.s.get("/api/mail/templates.json", &w.admin).json(), before);
}

fn e9_piping_what_is_no_mail(w: &World) {
    let logged = w.s.get("/api/mail/inbound.json?per_page=1", &w.admin).total_count();
    w.creates_nothing(|| {
        for body in
            ["", "Hello, no headers here.\r\n", "{\"subject\": \"json\"}", "<ticket><subject>x</subject></ticket>"]
        {
            pipe(w, &w.staff, body).expect_error(400, "bad_request");
        }
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let r = w.s.send(
            Method::POST,
            "/api/tickets.email",
            &w.staff,
            &[],
            Some("application/octet-stream"),
            Some(garbage),
        );
        r.expect_error(400, "bad_request");
    });
    assert_eq!(w.s.get("/api/mail/inbound.json?per_page=1", &w.admin).total_count(), logged, "nothing kept");
}

/// A client made by the administrator; its id.
fn client(w: &World, body: Value) -> i64 {
    let r = w.s.post_json("/api/clients.json", &w.admin, &body);
    r.expect(201);
    r.json()["id"].as_i64().unwrap()
}

/// How many clients exist.
fn client_count(w: &World) -> i64 {
    w.s.get("/api/clients.json?per_page=1", &w.staff).total_count()
}

fn u1_a_customer_reads_the_clients(w: &World) {
    let id = client(w, json!({"name": "U1 Corp"}));
    for path in [
        "/api/clients.json".to_owned(),
        format!("/api/clients.json/{id}"),
        format!("/api/clients.json/{id}/contacts"),
        format!("/api/clients.json/{id}/events"),
    ] {
        w.s.get(&path, &w.alice_auth).expect_error(403, "forbidden");
        w.s.get(&path, &Auth::None).expect_error(401, "unauthorized");
    }
}

fn u2_a_customer_picks_a_client(w: &World) {
    let id = client(w, json!({"name": "U2 Corp"}));
    w.creates_nothing(|| {
        w.create(&w.alice_auth, json!({"subject": "u2", "message": "m", "client_id": id}))
            .expect_error(403, "forbidden");
    });
    w.leaves(&w.alice_ticket, || {
        for body in [json!({"client_id": id}), json!({"contact_id": 1}), json!({"client_id": 0})] {
            w.s.put_json(&w.path(&w.alice_ticket), &w.alice_auth, &body).expect_error(403, "forbidden");
        }
    });
    let r = w.s.post_json(&format!("/api/clients.json/{id}/contacts"), &w.alice_auth, &json!({"user_id": w.alice.id}));
    r.expect_error(403, "forbidden");
}

fn u3_a_technical_contact_reaches_another_client(w: &World) {
    let a = client(w, json!({"name": "U3 Alpha"}));
    let b = client(w, json!({"name": "U3 Beta"}));
    w.s.post_json(
        &format!("/api/clients.json/{a}/contacts"),
        &w.admin,
        &json!({"user_id": w.alice.id, "technical": true}),
    )
    .expect(201);
    w.s.post_json(&format!("/api/clients.json/{b}/contacts"), &w.admin, &json!({"user_id": w.olga.id})).expect(201);
    w.s.put_json(&w.path(&w.olga_ticket), &w.staff, &json!({"client_id": b})).expect(200);
    w.leaves(&w.olga_ticket, || {
        w.s.get(&w.path(&w.olga_ticket), &w.alice_auth).expect_error(404, "not_found");
        w.s.put_json(&w.path(&w.olga_ticket), &w.alice_auth, &json!({"message": "Mine now"}))
            .expect_error(404, "not_found");
        assert!(
            !numbers_of(w, &w.alice_auth).contains(&w.olga_ticket),
            "Beta's ticket is not in Alpha's contact's list"
        );
    });
}

fn u4_a_contact_of_another_client(w: &World) {
    let a = client(w, json!({"name": "U4 Alpha"}));
    let b = client(w, json!({"name": "U4 Beta"}));
    let r = w.s.post_json(&format!("/api/clients.json/{b}/contacts"), &w.admin, &json!({"name": "Beta's Bob"}));
    r.expect(201);
    let bob = r.json()["id"].as_i64().unwrap();
    w.leaves(&w.alice_ticket, || {
        let r = w.s.put_json(&w.path(&w.alice_ticket), &w.staff, &json!({"client_id": a, "contact_id": bob}));
        assert!(r.expect_error(422, "invalid_fields")["error"]["fields"]["contact_id"].is_string(), "{}", r.text);
    });
    w.creates_nothing(|| {
        let body =
            json!({"email": "u4@example.com", "subject": "s", "message": "m", "client_id": a, "contact_id": bob});
        w.create(&w.staff, body).expect_error(422, "invalid_fields");
    });
    // Nor through another client's path.
    w.s.put_json(&format!("/api/clients.json/{a}/contacts/{bob}"), &w.admin, &json!({"title": "x"}))
        .expect_error(404, "not_found");
    w.s.send(Method::DELETE, &format!("/api/clients.json/{a}/contacts/{bob}"), &w.admin, &[], None, None)
        .expect_error(404, "not_found");
}

fn u5_one_domain_for_two_clients(w: &World) {
    client(w, json!({"name": "U5 Owner", "domains": ["u5.example"]}));
    let before = client_count(w);
    for domains in [json!(["u5.example"]), json!(["U5.Example"]), json!(["@u5.example."])] {
        let r = w.s.post_json("/api/clients.json", &w.admin, &json!({"name": "U5 Thief", "domains": domains}));
        assert!(r.expect_error(422, "invalid_fields")["error"]["fields"]["domains"]
            .as_str()
            .unwrap()
            .contains("U5 Owner"));
    }
    let other = client(w, json!({"name": "U5 Other"}));
    w.s.put_json(&format!("/api/clients.json/{other}"), &w.admin, &json!({"domains": ["u5.example"]}))
        .expect_error(422, "invalid_fields");
    assert_eq!(client_count(w), before + 1, "only U5 Other was made");
    assert_eq!(w.s.get(&format!("/api/clients.json/{other}"), &w.admin).json()["domains"], json!([]));
}

fn u6_markup_and_injection_in_client_fields(w: &World) {
    let before = client_count(w);
    for (body, name) in [
        (json!({"name": "Evil", "website": "javascript:alert(1)"}), "website"),
        (json!({"name": "Evil", "domains": ["*.evil.test"]}), "domains"),
        (json!({"name": "Evil", "phone": "1\r\nBcc: x@y"}), "phone"),
        (json!({"name": "Evil\r\nX-Injected: 1"}), "name"),
        (json!({"name": "Evil", "status": "Paid' OR '1'='1"}), "status"),
    ] {
        let r = w.s.post_json("/api/clients.json", &w.admin, &body);
        assert!(r.expect_error(422, "invalid_fields")["error"]["fields"][name].is_string(), "{name}: {}", r.text);
    }
    assert_eq!(client_count(w), before);
    let script = "<script>alert(document.cookie)</script>";
    let id = client(w, json!({"name": script}));
    let r = w.s.get(&format!("/api/clients.json/{id}"), &w.admin);
    assert_eq!(
        (r.json()["name"].as_str(), r.content_type().as_str()),
        (Some(script), "application/json"),
        "kept as text"
    );
    // Search is by words: quotes and wildcards are no query language.
    let search = |q: &str| {
        let r = w.s.get(&format!("/api/clients.json?{}", serde_urlencoded::to_string([("q", q)]).unwrap()), &w.admin);
        r.expect(200);
        r.total_count()
    };
    assert_eq!(search("' OR 'zz'='zz' --"), 0);
    assert_eq!(search("zz%"), 0);
    let all = client_count(w);
    for q in ["%", "_", "\\", "' --"] {
        assert_eq!(search(q), all, "{q:?} has no word: it narrows nothing, widens nothing");
    }
}

fn u7_a_closed_client_takes_a_ticket(w: &World) {
    let id = client(w, json!({"name": "U7 Closed", "status": "Closed", "domains": ["u7.example"]}));
    let r = w.s.post_json(
        &format!("/api/clients.json/{id}/contacts"),
        &w.admin,
        &json!({"name": "Carl", "email": "carl@u7.example"}),
    );
    r.expect(201);
    w.creates_nothing(|| {
        let body = json!({"email": "walk-in@example.com", "subject": "s", "message": "m", "client_id": id});
        let r = w.create(&w.staff, body);
        assert!(r.expect_error(422, "invalid_fields")["error"]["fields"]["client_id"]
            .as_str()
            .unwrap()
            .contains("closed"));
    });
    let before = w.s.ticket_total(&w.staff);
    let raw = "From: Carl <carl@u7.example>\r\nSubject: Help\r\nMessage-ID: <u7@u7.example>\r\n\r\nHello\r\n";
    let r = pipe(w, &w.staff, raw);
    r.expect(202);
    assert_eq!(r.json()["outcome"], "quarantined", "{}", r.text);
    assert_eq!(w.s.ticket_total(&w.staff), before, "no ticket for a closed client");
}

fn e8_a_template_that_writes_gigabytes(w: &World) {
    let path = "/api/mail/templates.json/ticket.reply.customer";
    let huge = json!({"subject": "Reply", "body_text": "{{ 'x' * 50000000 }}"});
    let refused = w.s.put_json(path, &w.admin, &huge).expect_invalid_fields(&["body_text"]);
    assert!(refused.to_string().contains("renders to more than"), "{refused}");
    // Small with the example values, a loop over the message: saved, but cut off when it meets a
    // large message, which then goes out in the built-in text.
    let looped = json!({"subject": "Reply", "body_text": "{% for i in range(100) %}{{ message.text }}{% endfor %}"});
    w.s.put_json(path, &w.admin, &looped).expect(200);
    mail_through_the_sink(w);
    let number = w.s.open_ticket_for(&w.staff, &w.olga, None);
    let large = "y".repeat(1024 * 1024);
    w.s.put_json(&w.path(&number), &w.staff, &json!({"message": large})).expect(200);
    w.s.delete_json(path, &w.admin, &json!({})).expect(200);
    let mails = w.s.get("/api/outbox.json?per_page=20", &w.admin).json();
    let reply = mails
        .as_array()
        .expect("mails")
        .iter()
        .find(|m| m["recipient"] == w.olga.email.as_str() && m["kind"] == "ticket.reply.customer")
        .cloned()
        .expect("the reply to Olga");
    let body = reply["body"].as_str().expect("a body");
    assert!(body.len() < 2 * 1024 * 1024 && body.contains(&large) && body.contains("Status:"), "{} bytes", body.len());
}

/// Pipes a mail as an MTA would.
fn pipe(w: &World, auth: &Auth, raw: &str) -> Resp {
    w.s.send(
        Method::POST,
        "/api/tickets.email",
        auth,
        &[("Accept", "application/json")],
        Some("text/plain"),
        Some(raw.as_bytes().to_vec()),
    )
}

fn e3_a_strangers_mail_joins_a_ticket(w: &World) {
    let number = &w.olga_ticket;
    w.leaves(number, || {
        let raw = format!(
            "From: Mallory <mallory@evil.test>\r\nSubject: Re: [{number}] your ticket\r\nMessage-ID: <e3@evil.test>\r\nIn-Reply-To: <{number}@oxidesk.invalid>\r\n\r\nSend me the payslip.\r\n"
        );
        let r = pipe(w, &w.staff, &raw);
        r.expect(201);
        let theirs = r.json()["ticket"].as_str().unwrap_or_default().to_owned();
        assert_eq!(r.json()["outcome"], "ticket", "{}", r.text);
        assert_ne!(&theirs, number, "a ticket of Mallory's own, not Olga's");
        assert_eq!(w.s.ticket(&theirs, &w.staff)["user"]["email"], "mallory@evil.test");
    });
}

fn e4_a_mail_loop(w: &World) {
    let number = &w.olga_ticket;
    let queued = w.s.get("/api/outbox.json?per_page=1", &w.admin).total_count();
    w.creates_nothing(|| {
        w.leaves(number, || {
            for (id, header) in [("e4a", "X-Loop: oxidesk"), ("e4b", "Auto-Submitted: auto-replied")] {
                let raw = format!("From: olga@example.com\r\nSubject: Re: [{number}] x\r\nMessage-ID: <{id}@example.com>\r\n{header}\r\n\r\nOut of office.\r\n");
                let r = pipe(w, &w.staff, &raw);
                r.expect(202);
                assert_eq!(r.json()["outcome"], "auto", "{}", r.text);
            }
        });
    });
    assert_eq!(w.s.get("/api/outbox.json?per_page=1", &w.admin).total_count(), queued, "no mail queued");
}

fn e5_piping_without_the_right(w: &World) {
    let read = w.s.apikey("e5-read", "read", None).auth();
    w.creates_nothing(|| {
        for auth in [&w.alice_auth, &read] {
            let raw = "From: alice@example.com\r\nSubject: Piped\r\nMessage-ID: <e5@example.com>\r\n\r\nHello\r\n";
            pipe(w, auth, raw).expect(403);
        }
    });
}

/// A mail job of the desk (a password-reset mail queued for it), as the administrator sees it.
fn a_mail_job(w: &World) -> Value {
    let newest = || w.s.get("/api/jobs.json?kind=mail.send&per_page=1", &w.admin);
    let before = newest().total_count();
    w.s.post_json("/api/auth/reset.json", &Auth::None, &json!({"login": "alice"})).expect(202);
    eventually("the reset mail's job", || {
        let jobs = newest();
        jobs.expect(200);
        (jobs.total_count() > before).then(|| jobs.json()[0].clone())
    })
}

fn e6_sending_a_mail_twice(w: &World) {
    let job = a_mail_job(w);
    assert_eq!(job["status"], "pending", "no SMTP server is set, so the mail waits: {job}");
    let retry = format!("/api/jobs.json/{}/retry", job["id"]);
    w.s.send(Method::POST, &retry, &w.admin, &[], None, None).expect_error(409, "conflict");
    let after = w.s.get("/api/jobs.json?kind=mail.send&per_page=1", &w.admin);
    assert_eq!(after.json()[0], job, "the job is unchanged");
}

fn e7_the_mail_jobs_without_the_right(w: &World) {
    let job = a_mail_job(w);
    let key = w.s.apikey("e7", "read,write,impersonate", None).auth();
    let retry = format!("/api/jobs.json/{}/retry", job["id"]);
    for auth in [&w.agent, &w.alice_auth, &key] {
        let list = w.s.get("/api/jobs.json", auth);
        list.expect_error(403, "forbidden");
        assert!(!list.text.contains("mail.send"), "no job in the answer: {}", list.text);
        w.s.send(Method::POST, &retry, auth, &[], None, None).expect_error(403, "forbidden");
    }
    let after = w.s.get("/api/jobs.json?kind=mail.send&per_page=1", &w.admin);
    assert_eq!(after.json()[0], job, "the job is unchanged");
}

/// The desk mails through the shared plain SMTP sink of scripts/mail.sh (ticket mail is off
/// without a server); returns the sink's Maildir.
fn mail_through_the_sink(w: &World) -> std::path::PathBuf {
    let settings = json!({"smtp_host": "127.0.0.1", "smtp_port": 10025, "smtp_security": "none", "from_address": "desk@desk.test"});
    w.s.put_json("/api/mail/settings.json", &w.admin, &settings).expect(200);
    mail_test_dir().join("smtp-plain")
}

/// A customer whose address no other test run uses, so that the sink holds only this run's mail
/// for them.
fn customer_of_their_own(w: &World, name: &str) -> Person {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    // User names have at most 20 characters.
    let username = format!("{name}{}{nanos:08x}", std::process::id() % 1000);
    let email = format!("{username}@example.com");
    let r = w.s.post_json(
        "/api/users.json",
        &w.admin,
        &json!({"username": username, "name": format!("{name} Person"), "email": email, "level": 1}),
    );
    r.expect(201);
    Person { id: r.json()["id"].as_i64().unwrap(), username, email }
}

/// The HTML and text parts of the first mail the sink received for `to`, once the desk's mail
/// worker has sent it (waits at most a minute for it, then fails).
fn mailed_to(sink: &std::path::Path, to: &str) -> (String, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        for sub in ["new", "cur"] {
            for entry in std::fs::read_dir(sink.join(sub)).into_iter().flatten().flatten() {
                let raw = std::fs::read(entry.path()).unwrap_or_default();
                let head = String::from_utf8_lossy(&raw[..raw.len().min(400)]).to_string();
                if !head.lines().any(|l| l.strip_prefix("X-Envelope-To: ").is_some_and(|a| a.eq_ignore_ascii_case(to)))
                {
                    continue;
                }
                let mail = mail_parser::MessageParser::default().parse(&raw).expect("a mail");
                let part = |p: Option<std::borrow::Cow<'_, str>>| p.map(|p| p.into_owned()).unwrap_or_default();
                return (part(mail.body_html(0)), part(mail.body_text(0)));
            }
        }
        assert!(std::time::Instant::now() < deadline, "no mail for {to} reached the sink");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A desk that mails through the SMTP sink of scripts/mail.sh, with a customer of its own whose
/// ticket an agent of its own is assigned to: the desk has mailed the customer a receipt and the
/// agent the assignment, each carrying that person's reply token — what their mail clients hold.
struct MailDesk {
    agent: Person,
    customer: Person,
    customer_auth: Auth,
    number: String,
}

fn mail_desk(w: &World, case: &str) -> MailDesk {
    mail_through_the_sink(w);
    // Names of this run only: the sink keeps every mail it ever took.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let tag = format!("{case}-{:08x}", nanos ^ (u32::from(w.s.port) << 16));
    let agent = w.s.create_person(&w.admin, &format!("{tag}-agent"), 3, Some(PASSWORD));
    let customer = w.s.create_person(&w.admin, &format!("{tag}-cust"), 1, Some(PASSWORD));
    let customer_auth = Auth::Bearer(w.s.login_token(&customer.username, PASSWORD));
    let number = w.s.open_ticket_for(&w.staff, &customer, None);
    w.s.put_json(&w.path(&number), &w.admin, &json!({"assignee_ids": [agent.id]})).expect(200);
    MailDesk { agent, customer, customer_auth, number }
}

/// The Message-ID of the first mail the SMTP sink received for `to`, waiting for it (a minute at most).
fn first_mailed_id(to: &str) -> String {
    let dir = mail_test_dir().join("smtp-plain/new");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let head = text.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
            let field = |name: &str| {
                head.lines().find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
            };
            if field("X-Envelope-To").is_some_and(|t| t.split(", ").any(|a| a == to)) {
                return field("Message-ID").unwrap_or_else(|| panic!("a mail without a Message-ID: {head}"));
            }
        }
        assert!(std::time::Instant::now() < deadline, "no mail reached {to} in a minute");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Files `message` as a new ticket of a fresh customer, by the staff key: the desk mails the
/// customer its receipt, which quotes the message. Returns that mail's HTML and text.
fn receipt_of(w: &World, name: &str, message: &str) -> (String, String) {
    let sink = mail_through_the_sink(w);
    let customer = customer_of_their_own(w, name);
    w.create(&w.staff, json!({"email": customer.email, "subject": "Invoice", "message": message})).expect(201);
    mailed_to(&sink, &customer.email)
}

fn h1_a_tracking_image_in_mailed_html(w: &World) {
    let (html, text) =
        receipt_of(w, "hone", r#"<p>See<img src="https://tracker.example/p.gif?who=1" width="1" height="1"></p>"#);
    for part in [&html, &text] {
        assert!(!part.contains("tracker.example/p.gif") && !part.contains("<img"), "{part}");
        assert!(part.contains("[image: tracker.example]"), "{part}");
    }
}

fn h2_a_link_that_names_another_site(w: &World) {
    let (html, text) = receipt_of(
        w,
        "htwo",
        r#"<p>Pay at <a href="https://evil.example">https://bank.example</a> or <a href="https://evil.example/pay">our portal</a></p>"#,
    );
    for part in [&html, &text] {
        assert!(!part.contains("bank.example"), "{part}");
        assert!(part.contains("our portal (https://evil.example/pay)"), "{part}");
    }
    assert!(
        html.contains(r#"<a href="https://evil.example/" rel="noopener noreferrer">https://evil.example/</a>"#),
        "{html}"
    );
}

fn h3_a_look_alike_host_in_a_link(w: &World) {
    // The first "а" of the target is Cyrillic.
    let (html, text) = receipt_of(w, "hthree", r#"<a href="https://bаnk.example/login">bank.example</a>"#);
    for part in [&html, &text] {
        assert!(part.contains("https://xn--bnk-6cd.example/login"), "{part}");
        assert!(!part.contains(">bank.example<") && !part.contains("bаnk"), "{part}");
    }
}

fn h4_hostile_html_mailed_in(w: &World) {
    let sink = mail_through_the_sink(w);
    let customer = customer_of_their_own(w, "hfour");
    let raw = format!(
        "From: <{}>\r\nSubject: Paid\r\nMessage-ID: <h4-{}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Receipt<img src=\"https://tracker.example/in.gif\"> at <a href=\"https://evil.example\">https://bank.example</a></p>\r\n",
        customer.email, customer.username
    );
    let r = pipe(w, &w.staff, &raw);
    r.expect(201);
    let (html, text) = mailed_to(&sink, &customer.email);
    for part in [&html, &text] {
        assert!(!part.contains("tracker.example/in.gif") && !part.contains("<img"), "{part}");
        assert!(!part.contains("bank.example") && part.contains("https://evil.example/"), "{part}");
    }
}

fn h5_the_web_apps_image_policy(w: &World) {
    for page in [format!("/tickets/{}", w.alice_ticket), "/desk/setup".to_owned()] {
        let r = w.s.get(&page, &Auth::None);
        if r.status == 404 && r.text.contains("built without its web app") {
            eprintln!("H5: this binary has no web app (make test builds it first); nothing to check");
            return;
        }
        r.expect(200);
        let policy = r.header("content-security-policy").expect("a Content-Security-Policy");
        let directive = |name: &str| policy.split(';').map(str::trim).find(|d| d.starts_with(name)).map(str::to_owned);
        assert_eq!(directive("img-src ").as_deref(), Some("img-src 'self' data: blob: https:"), "{page}: {policy}");
        assert_eq!(directive("connect-src ").as_deref(), Some("connect-src 'self'"), "{page}: {policy}");
    }
}

/// A PUT of these mail settings by the administrator: a 422 naming each field whose host the
/// outgoing policy refuses, each message naming the refused address (the admin key may set no
/// mail server at all: 403).
fn refused_hosts(w: &World, settings: Value, refused: &[(&str, &str)]) {
    let before = w.s.get("/api/mail/settings.json", &w.admin).json();
    w.s.put_json("/api/mail/settings.json", &w.staff, &settings).expect_error(403, "forbidden");
    for auth in [&w.admin] {
        let fields = w.s.put_json("/api/mail/settings.json", auth, &settings);
        let names: Vec<&str> = refused.iter().map(|(field, _)| *field).collect();
        let fields = fields.expect_invalid_fields(&names);
        for (field, address) in refused {
            let message = fields[*field].as_str().unwrap_or_default();
            assert!(message.contains(&format!("the address {address} is not allowed")), "{field}: {message}");
        }
    }
    assert_eq!(w.s.get("/api/mail/settings.json", &w.admin).json(), before, "nothing stored");
}

fn o1_a_cloud_metadata_service_as_the_mail_server(w: &World) {
    refused_hosts(
        w,
        json!({"smtp_host": "169.254.169.254", "smtp_port": 80, "imap_host": "fd00:ec2::254"}),
        &[("smtp_host", "169.254.169.254"), ("imap_host", "fd00:ec2::254")],
    );
    refused_hosts(
        w,
        json!({"smtp_host": "[::ffff:169.254.169.254]", "imap_host": "::ffff:a9fe:a9fe"}),
        &[("smtp_host", "::ffff:169.254.169.254"), ("imap_host", "::ffff:169.254.169.254")],
    );
}

fn o2_this_machines_services_as_the_mail_server(w: &World) {
    refused_hosts(
        w,
        json!({"smtp_host": "127.0.0.1", "smtp_port": 22, "imap_host": "localhost", "imap_port": 6379}),
        &[("smtp_host", "127.0.0.1"), ("imap_host", "127.0.0.1")],
    );
    refused_hosts(
        w,
        json!({"smtp_host": "10.0.0.1", "imap_host": "0.0.0.0"}),
        &[("smtp_host", "10.0.0.1"), ("imap_host", "0.0.0.0")],
    );
}

fn o3_opening_the_policy_through_the_api(w: &World) {
    for auth in [&w.admin, &w.staff] {
        let opened =
            json!({"outbound": {"allow": ["0.0.0.0/0"]}, "allow": ["127.0.0.0/8"], "outbound_allow": ["127.0.0.0/8"]});
        w.s.put_json("/api/settings.json", auth, &opened);
        w.s.put_json("/api/mail/settings.json", auth, &opened);
    }
    refused_hosts(w, json!({"smtp_host": "127.0.0.1"}), &[("smtp_host", "127.0.0.1")]);
}

/// A service on 127.0.0.1 that is no mail server: it writes an SSH banner to every connection and
/// closes it, counting them. Dropping it stops it (a flag, then one connection of its own to wake
/// the accepting thread).
struct Banner {
    port: u16,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

const BANNER: &str = "SSH-2.0-OpenSSH_9.6 secret-banner\r\n";

impl Banner {
    fn start() -> Banner {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (counted, stopped) = (std::sync::Arc::clone(&connections), std::sync::Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(BANNER.as_bytes());
            }
        });
        Banner { port, connections, stop, thread: Some(thread) }
    }

    fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Banner {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A server whose oxidesk.toml allows this machine, signed in as its administrator, with an admin key.
fn open_server(extra: &str) -> (TestServer, Auth, Auth) {
    let s = TestServer::start_with_config(&format!("login_attempts_per_minute = 100000\n{extra}{ALLOW_LOOPBACK}"));
    s.admin_create("root", "root@example.com", PASSWORD);
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    let key = s.apikey("mail", "admin", None).auth();
    (s, admin, key)
}

/// Both mail servers at `port` of this machine, with this security.
fn mail_at(s: &TestServer, admin: &Auth, port: u16, security: &str) {
    let settings = json!({
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": security, "from_address": "desk@desk.test",
        "imap_host": "127.0.0.1", "imap_port": port, "imap_security": security, "imap_user": "desk", "imap_password": "secret"
    });
    s.put_json("/api/mail/settings.json", admin, &settings).expect(200);
}

/// "Send test mail" and "test IMAP connection", both failing: their `detail`s.
fn failed_checks(s: &TestServer, auth: &Auth) -> [String; 2] {
    let smtp = s.post_json("/api/mail/test.json", auth, &json!({"to": "x@example.com"}));
    let imap = s.send(Method::POST, "/api/mail/imap-test.json", auth, &[], None, None);
    [smtp, imap].map(|r| {
        r.expect(200);
        assert_eq!(r.json()["ok"], false, "{}", r.text);
        r.json()["detail"].as_str().unwrap_or_default().to_owned()
    })
}

fn o4_a_host_saved_before_the_policy_closed(_: &World) {
    let banner = Banner::start();
    let (mut s, admin, key) = open_server("");
    mail_at(&s, &admin, banner.port, "none");
    // The administrator closes this machine again in the file: the saved host is refused at
    // every connection, without one being made.
    std::fs::write(s.data_dir().join("oxidesk.toml"), "login_attempts_per_minute = 100000\n").unwrap();
    s.crash_and_restart();
    for auth in [&admin, &key] {
        for detail in failed_checks(&s, auth) {
            let refusal = format!("cannot connect to 127.0.0.1:{}: the address 127.0.0.1 is not allowed", banner.port);
            assert!(detail.starts_with(&refusal), "{detail}");
        }
    }
    assert_eq!(banner.connections(), 0, "a refused address was connected to");
}

fn o5_a_foreign_services_banner(_: &World) {
    let banner = Banner::start();
    let (s, admin, key) = open_server("[jobs]\npoll_ms = 100\n");
    for (security, smtp_says, imap_says) in [
        ("none", "is not an SMTP server", "no IMAP greeting"),
        ("starttls", "is not an SMTP server", "no IMAP greeting"),
        ("tls", "TLS with", "TLS with"),
    ] {
        mail_at(&s, &admin, banner.port, security);
        for auth in [&admin, &key] {
            let [smtp, imap] = failed_checks(&s, auth);
            assert!(smtp.contains(smtp_says), "{security}: {smtp}");
            assert!(imap.contains(imap_says), "{security}: {imap}");
            for detail in [smtp, imap] {
                assert!(!detail.contains("secret-banner") && !detail.contains("SSH"), "the banner leaked: {detail}");
            }
        }
    }
    assert!(banner.connections() > 0, "the checks reached the service");
    // The outbox: a reset mail for root, tried by the worker, keeps the class of the failure only.
    mail_at(&s, &admin, banner.port, "none");
    s.post_json("/api/auth/reset.json", &Auth::None, &json!({"login": "root"})).expect(202);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let error = loop {
        let row = s.get("/api/outbox.json?per_page=1", &admin).json()[0].clone();
        if let Some(error) = row["last_error"].as_str() {
            break error.to_owned();
        }
        assert!(std::time::Instant::now() < deadline, "the worker never tried the mail: {row}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(error.contains("is not an SMTP server"), "{error}");
    assert!(!error.contains("secret-banner") && !error.contains("SSH"), "the banner leaked: {error}");
}

/// A mail answering the desk's ticket `number` by its subject, with these extra headers.
fn answer_mail(from: &str, number: &str, id: &str, headers: &str, text: &str) -> String {
    format!("From: {from}\r\nTo: desk@desk.test\r\nSubject: Re: [{number}] problem\r\nMessage-ID: <{id}>\r\n{headers}Content-Type: text/plain\r\n\r\n{text}\r\n")
}

fn in_reply_to(id: &str) -> String {
    format!("In-Reply-To: {id}\r\nReferences: {id}\r\n")
}

/// How many mails the desk queued for this address.
fn queued_for(w: &World, address: &str) -> usize {
    let outbox = w.s.get("/api/outbox.json?per_page=100", &w.admin).json();
    outbox.as_array().unwrap().iter().filter(|m| m["recipient"] == address).count()
}

/// The last entry of the ticket that is not an event, as an agent sees it.
fn last_entry(w: &World, number: &str) -> Value {
    threads(&w.s.ticket(number, &w.admin)).into_iter().rfind(|e| e["type"] != "E").unwrap()
}

/// Pipes `raw` and checks that it became an internal note marked unverified, mailed to nobody
/// outside the desk.
#[track_caller]
fn becomes_a_marked_note(w: &World, d: &MailDesk, raw: &str) {
    let queued = queued_for(w, &d.customer.email);
    let r = pipe(w, &w.staff, raw);
    r.expect(201);
    assert_eq!(r.json()["outcome"], "reply", "{}", r.text);
    let entry = last_entry(w, &d.number);
    assert_eq!(entry["type"], "N", "{entry}");
    assert!(entry["unverified"].as_str().is_some_and(|why| why.contains("internal note")), "{entry}");
    assert_eq!(queued_for(w, &d.customer.email), queued, "mail went to the customer");
}

fn t1_an_agents_from_forged_over_the_pipe(w: &World) {
    let d = mail_desk(w, "t1");
    let forged = answer_mail(&d.agent.email, &d.number, "t1-forged@evil.test", "", "Pay the invoice to IBAN X.");
    becomes_a_marked_note(w, &d, &forged);
    assert!(!w.s.ticket(&d.number, &d.customer_auth).to_string().contains("IBAN X"), "the customer sees it");
    // The agent's real answer to the desk's mail to them is a response, mailed to the customer.
    let queued = queued_for(w, &d.customer.email);
    let to_agent = first_mailed_id(&d.agent.email);
    let real = answer_mail(&d.agent.email, &d.number, "t1-real@example.com", &in_reply_to(&to_agent), "On my way.");
    pipe(w, &w.staff, &real).expect(201);
    let entry = last_entry(w, &d.number);
    assert_eq!((entry["type"].as_str(), entry.get("unverified")), (Some("R"), None), "{entry}");
    assert_eq!(queued_for(w, &d.customer.email), queued + 1, "the response is mailed");
}

fn t2_someone_elses_reply_token(w: &World) {
    let d = mail_desk(w, "t2");
    let receipt = first_mailed_id(&d.customer.email);
    let forged =
        answer_mail(&d.agent.email, &d.number, "t2-forged@evil.test", &in_reply_to(&receipt), "Pay to IBAN X.");
    becomes_a_marked_note(w, &d, &forged);
}

fn t3_a_customers_from_forged(w: &World) {
    let d = mail_desk(w, "t3");
    let forged = answer_mail(&d.customer.email, &d.number, "t3-forged@evil.test", "", "Close my account.");
    let r = pipe(w, &w.staff, &forged);
    r.expect(201);
    assert_eq!(r.json()["outcome"], "reply", "{}", r.text);
    let entry = last_entry(w, &d.number);
    assert_eq!(entry["type"], "M");
    assert!(entry["unverified"].as_str().is_some_and(|why| why.contains("customer")), "{entry}");
    let own = threads(&w.s.ticket(&d.number, &d.customer_auth));
    let seen = own.iter().find(|e| e["id"] == entry["id"]).expect("the customer sees the message");
    assert_eq!(seen.get("unverified"), None, "the customer is shown the mark: {seen}");
    // Her real answer to the desk's receipt is not marked.
    let receipt = first_mailed_id(&d.customer.email);
    let real = answer_mail(&d.customer.email, &d.number, "t3-real@example.com", &in_reply_to(&receipt), "Thanks.");
    pipe(w, &w.staff, &real).expect(201);
    let entry = last_entry(w, &d.number);
    assert_eq!((entry["type"].as_str(), entry.get("unverified")), (Some("M"), None), "{entry}");
}

fn t4_forged_authentication_results(w: &World) {
    let d = mail_desk(w, "t4");
    let pass = "Authentication-Results: mx.desk.test; dmarc=pass (p=reject) header.from=example.com\r\n";
    let untrusted = pass.replace("mx.desk.test", "mx.evil.test");
    let below = format!(
        "Authentication-Results: mx.desk.test; dmarc=fail header.from=example.com\r\nReceived: from evil.test by mx.desk.test\r\n{pass}"
    );
    for (n, headers) in [(1, untrusted), (2, below)] {
        let forged = answer_mail(&d.agent.email, &d.number, &format!("t4-{n}@evil.test"), &headers, "Pay to IBAN X.");
        becomes_a_marked_note(w, &d, &forged);
    }
    // The trusted server's own pass, topmost, is believed.
    let real = answer_mail(&d.agent.email, &d.number, "t4-real@example.com", pass, "On my way.");
    pipe(w, &w.staff, &real).expect(201);
    let entry = last_entry(w, &d.number);
    assert_eq!((entry["type"].as_str(), entry.get("unverified")), (Some("R"), None), "{entry}");
}

fn t5_an_agents_from_forged_over_imap(w: &World) {
    let d = mail_desk(w, "t5");
    let queued = queued_for(w, &d.customer.email);
    let user = format!("t5-{}-{}", std::process::id(), w.s.port);
    let maildir = mailbox(&user);
    deliver(&maildir, 0, &answer_mail(&d.agent.email, &d.number, "t5-forged@evil.test", "", "Pay to IBAN X."));
    let imap = json!({
        "imap_enabled": true, "imap_host": "127.0.0.1", "imap_port": 10143, "imap_security": "none",
        "imap_user": user, "imap_password": "secret", "imap_processed_folder": "Processed"
    });
    w.s.put_json("/api/mail/settings.json", &w.admin, &imap).expect(200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while last_entry(w, &d.number)["body"] != "Pay to IBAN X." {
        assert!(std::time::Instant::now() < deadline, "the mail was not fetched in a minute; log:\n{}", w.s.log());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    w.s.put_json("/api/mail/settings.json", &w.admin, &json!({"imap_enabled": false})).expect(200);
    let entry = last_entry(w, &d.number);
    assert_eq!((entry["type"].as_str(), entry["unverified"].is_string()), (Some("N"), true), "{entry}");
    assert_eq!(queued_for(w, &d.customer.email), queued, "mail went to the customer");
}

fn t6_reply_tokens_read_from_the_outbox(w: &World) {
    let d = mail_desk(w, "t6");
    let token_id = first_mailed_id(&d.agent.email);
    let local = token_id.trim_start_matches('<').split('@').next().unwrap();
    let token = local.rsplit('.').next().unwrap().to_owned();
    assert_eq!(token.len(), 32, "the desk's mail carries a reply token: {token_id}");
    let admin_key = w.s.apikey("t6-admin", "read,write,admin", None).auth();
    for auth in [&w.admin, &admin_key] {
        let outbox = w.s.get("/api/outbox.json?per_page=100", auth);
        outbox.expect(200);
        assert!(!outbox.text.contains(&token), "the outbox shows a reply token");
        let mine: Vec<Value> = outbox
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["recipient"] == d.agent.email.as_str())
            .cloned()
            .collect();
        assert!(!mine.is_empty() && mine.iter().all(|m| m["message_id"].as_str().is_some_and(|id| id.contains(".…@"))));
    }
}

fn draft_path(number: &str) -> String {
    format!("/api/tickets.json/{number}/draft")
}

/// Olga's draft on her ticket, as she reads it.
fn olgas_draft(w: &World) -> Value {
    let r = w.s.get(&draft_path(&w.olga_ticket), &w.olga_auth);
    r.expect(200);
    r.json()
}

fn d1_a_draft_on_anothers_ticket(w: &World) {
    w.s.put_json(&draft_path(&w.olga_ticket), &w.olga_auth, &json!({"message": "My payslip is wrong"})).expect(200);
    let before = olgas_draft(w);
    let digits = w.olga_ticket.rsplit('-').next().unwrap_or_default().to_owned();
    for (olgas, missing) in [(w.olga_ticket.clone(), "TCK-999999".to_owned()), (digits, "999999".to_owned())] {
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let call = |number: &str| {
                let body = serde_json::to_vec(&json!({"message": "Alice was here"})).unwrap();
                w.s.send(method.clone(), &draft_path(number), &w.alice_auth, &[], Some("application/json"), Some(body))
            };
            let (theirs, nothing) = (call(&olgas), call(&missing));
            theirs.expect_error(404, "not_found");
            assert_eq!(theirs.text, nothing.text, "{method} {olgas}: the answer tells the ticket exists");
        }
    }
    assert_eq!(olgas_draft(w), before, "Olga's draft changed");
}

fn d2_another_persons_draft(w: &World) {
    w.s.put_json(&draft_path(&w.olga_ticket), &w.olga_auth, &json!({"message": "Only mine"})).expect(200);
    // An agent may read the ticket, but a draft is its writer's alone.
    w.s.get(&draft_path(&w.olga_ticket), &w.agent).expect(204);
    let list = w.s.get("/api/tickets.json?threads=false&per_page=100", &w.agent);
    list.expect(200);
    let row = list.json().as_array().unwrap().iter().find(|t| t["ticket_number"] == w.olga_ticket.as_str()).cloned();
    assert_eq!(row.map(|t| t["draft"].clone()), Some(json!(false)), "the agent's list marks Olga's draft");
    w.s.delete_json(&draft_path(&w.olga_ticket), &w.agent, &json!({})).expect(204);
    assert_eq!(olgas_draft(w)["message"], "Only mine", "the agent's delete reached Olga's draft");
}

fn d3_a_key_keeping_drafts(w: &World) {
    w.s.put_json(&draft_path(&w.olga_ticket), &w.olga_auth, &json!({"message": "Before the key"})).expect(200);
    let acting = json!({"message": "Written by a program", "user_id": w.olga.id});
    w.s.put_json(&draft_path(&w.olga_ticket), &w.staff, &acting).expect_error(403, "forbidden");
    w.s.get(&draft_path(&w.olga_ticket), &w.staff).expect_error(403, "forbidden");
    w.s.delete_json(&draft_path(&w.olga_ticket), &w.staff, &json!({"user_id": w.olga.id}))
        .expect_error(403, "forbidden");
    assert_eq!(olgas_draft(w)["message"], "Before the key");
}

fn d4_a_customer_takes_or_gives_a_ticket(w: &World) {
    w.leaves(&w.olga_ticket, || {
        w.leaves(&w.alice_ticket, || {
            for email in [w.alice.email.as_str(), w.olga.email.as_str(), "someone.new@example.com"] {
                let body = json!({"requester_email": email});
                w.s.put_json(&w.path(&w.alice_ticket), &w.alice_auth, &body).expect_error(403, "forbidden");
            }
            // Olga's ticket is not Alice's to take: it does not exist for her.
            let body = json!({"requester_email": w.alice.email});
            w.s.put_json(&w.path(&w.olga_ticket), &w.alice_auth, &body).expect_error(404, "not_found");
        });
    });
    w.creates_nothing(|| {
        let agent_id = w.s.get("/api/users/me.json", &w.agent).json()["id"].clone();
        for extra in [json!({"assignee_ids": [agent_id]}), json!({"status_id": 3, "resolution": "Done"})] {
            let mut body = json!({"subject": "Mine", "message": "Filed with an agent's powers"});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            w.s.post_json("/api/tickets.json", &w.alice_auth, &body).expect_error(403, "forbidden");
        }
    });
}

fn d5_a_hostile_requester(w: &World) {
    w.creates_nothing(|| {
        w.leaves(&w.alice_ticket, || {
            let path = w.path(&w.alice_ticket);
            // U+043E: a Cyrillic о in Olga's address.
            let look_alike = w.olga.email.replacen('o', "\u{43e}", 1);
            for (body, field) in [
                (
                    json!({"requester_email": format!("{}\r\nBcc: everyone@example.com", w.olga.email)}),
                    "requester_email",
                ),
                (json!({"requester_email": look_alike}), "requester_email"),
                (
                    json!({"requester_email": "new.person@example.com", "requester_name": "New\r\nBcc: x@example.com"}),
                    "requester_name",
                ),
            ] {
                w.s.put_json(&path, &w.agent, &body).expect_invalid_fields(&[field]);
            }
        });
    });
}

fn w1_a_customer_copies_people(w: &World) {
    w.creates_nothing(|| {
        w.leaves(&w.olga_ticket, || {
            w.leaves(&w.alice_ticket, || {
                let alice = w.path(&w.alice_ticket);
                for body in [
                    json!({"cc": [w.olga.email]}),
                    json!({"cc": ["someone.new@example.com"]}),
                    json!({"cc": []}),
                    json!({"message": "Copy my boss", "bcc": ["boss@example.com"]}),
                ] {
                    w.s.put_json(&alice, &w.alice_auth, &body).expect_error(403, "forbidden");
                }
                // Copying herself onto Olga's ticket: it does not exist for her.
                let body = json!({"cc": [w.alice.email]});
                w.s.put_json(&w.path(&w.olga_ticket), &w.alice_auth, &body).expect_error(404, "not_found");
            });
        });
        let body = json!({"subject": "Mine", "message": "m", "cc": [w.olga.email]});
        w.s.post_json("/api/tickets.json", &w.alice_auth, &body).expect_error(403, "forbidden");
    });
}

fn w2_hostile_copies(w: &World) {
    w.creates_nothing(|| {
        w.leaves(&w.alice_ticket, || {
            let path = w.path(&w.alice_ticket);
            // U+043E: a Cyrillic о in Olga's address.
            let look_alike = w.olga.email.replacen('o', "\u{43e}", 1);
            let many: Vec<String> = (0..21).map(|i| format!("p{i}@example.com")).collect();
            for (body, field) in [
                (json!({"cc": [format!("{}\r\nBcc: everyone@example.com", w.olga.email)]}), "cc"),
                (json!({"cc": [look_alike]}), "cc"),
                (json!({"cc": ["New\r\nPerson <new.person@example.com>"]}), "cc"),
                (json!({"cc": many}), "cc"),
                (json!({"message": "Internal", "type": "note", "bcc": [w.olga.email]}), "bcc"),
                (json!({"message": "Hi", "bcc": ["everyone@example.com\r\nX-Evil: 1"]}), "bcc"),
            ] {
                w.s.put_json(&path, &w.agent, &body).expect_invalid_fields(&[field]);
            }
        });
    });
}

fn w3_a_copied_person_oversteps(w: &World) {
    let alice = w.path(&w.alice_ticket);
    let body = json!({"cc": [w.olga.email], "message": "Olga, please confirm.", "bcc": ["auditor@example.com"]});
    w.s.put_json(&alice, &w.agent, &body).expect(200);
    // Olga reads and answers; she sees nobody's blind copy.
    let seen = w.s.get(&alice, &w.olga_auth).expect(200).json();
    assert!(!seen.to_string().contains("auditor@example.com"), "{seen}");
    w.s.put_json(&alice, &w.olga_auth, &json!({"message": "Confirmed."})).expect(200);
    w.leaves(&w.alice_ticket, || {
        for body in [
            json!({"status_id": 3, "resolution": "Done"}),
            json!({"priority": "Urgent"}),
            json!({"cc": [w.olga.email, "friend@example.com"]}),
            json!({"requester_email": w.olga.email}),
        ] {
            w.s.put_json(&alice, &w.olga_auth, &body).expect_error(403, "forbidden");
        }
        w.s.delete_json(&alice, &w.olga_auth, &json!({"resolution": "Mine now"})).expect_error(403, "forbidden");
    });
    assert!(!w.s.get(&alice, &w.alice_auth).expect(200).json().to_string().contains("auditor@example.com"));
    // Taken off, she no longer reads it.
    w.s.put_json(&alice, &w.agent, &json!({"cc": []})).expect(200);
    w.s.get(&alice, &w.olga_auth).expect_error(404, "not_found");
    w.s.put_json(&alice, &w.olga_auth, &json!({"message": "Still here?"})).expect_error(404, "not_found");
}

fn open_stream(w: &World, auth: &Auth, headers: &[(&str, &str)]) -> Resp {
    w.s.send(Method::GET, "/api/events", auth, headers, None, None)
}

fn v1_a_stream_without_a_valid_token(w: &World) {
    open_stream(w, &Auth::None, &[]).expect_error(401, "unauthorized");
    let root = claims(json!("1"), root_session(w));
    let mut expired = root.clone();
    expired["exp"] = json!(root["iat"].as_i64().unwrap() - 3600);
    expired["nbf"] = json!(root["iat"].as_i64().unwrap() - 7200);
    let secret = jwt_secret(w);
    open_stream(w, &Auth::Bearer(sign(Algorithm::HS256, &expired, &secret)), &[]).expect_error(401, "unauthorized");
    open_stream(w, &Auth::Bearer(sign(Algorithm::HS256, &root, b"not the secret")), &[])
        .expect_error(401, "unauthorized");
    open_stream(w, &Auth::Key("oxk_not_a_key".into()), &[]).expect_error(401, "unauthorized");
}

fn v2_a_customer_listens_for_the_agents(w: &World) {
    let alice = w.s.events(&w.alice_auth, Some(0));
    // Olga's ticket gets a message, a note and presence; Alice's a note.
    w.s.put_json(&w.path(&w.olga_ticket), &w.olga_auth, &json!({"message": "My payslip"})).expect(200);
    w.s.put_json(&w.path(&w.olga_ticket), &w.agent, &json!({"message": "Payroll knows", "type": "note"})).expect(200);
    w.s.put_json(&w.path(&w.alice_ticket), &w.agent, &json!({"message": "Agents only", "type": "note"})).expect(200);
    w.s.put_json(&format!("{}/presence", w.path(&w.olga_ticket)), &w.agent, &json!({"typing": true})).expect(204);
    let heard = alice.collect(std::time::Duration::from_secs(3));
    for e in &heard {
        assert_eq!(e.name, "ticket", "Alice heard {e:?}");
        assert_eq!(e.data["ticket"], w.alice_ticket.as_str(), "Alice heard of another ticket: {e:?}");
        assert_ne!(e.data["kind"], "ticket.note", "Alice heard of a note: {e:?}");
    }
    let text = format!("{heard:?}");
    assert!(!text.contains(&w.olga_ticket) && !text.contains("Payroll"), "{text}");
}

fn v3_a_forged_resume_point(w: &World) {
    for bad in ["abc", "-1", "1 OR 1=1", "99999999999999999999999", "0x10"] {
        open_stream(w, &w.agent, &[("Last-Event-ID", bad)]).expect_error(400, "bad_request");
    }
    // An id past the end is nothing to catch up on; 0 is everything Alice may see, and only that.
    open_stream(w, &w.agent, &[("Last-Event-ID", "9223372036854775807")]).expect(200);
    let from_start = w.s.events(&w.alice_auth, Some(0));
    let caught = from_start.collect(std::time::Duration::from_secs(2));
    assert!(caught.iter().all(|e| e.data["ticket"] == w.alice_ticket.as_str()), "{caught:?}");
}

fn v4_a_flood_of_streams(w: &World) {
    // Every stream is answered, but Alice keeps 32 at most: each new one ends her oldest.
    let mut held: Vec<std::net::TcpStream> = (0..40).map_while(|_| w.s.hold_stream(&w.alice_auth)).collect();
    assert_eq!(held.len(), 40, "a stream of Alice's was refused");
    for (n, stream) in held.iter_mut().take(8).enumerate() {
        assert!(TestServer::says_bye(stream), "Alice's stream {n} of 40 is still open");
    }
    // Another person is not held back by Alice's streams.
    open_stream(w, &w.olga_auth, &[]).expect(200);
    drop(held);
}

fn v5_presence_from_someone_not_an_agent(w: &World) {
    let path = |n: &str| format!("/api/tickets.json/{n}/presence");
    w.s.put_json(&path(&w.alice_ticket), &w.alice_auth, &json!({"typing": true})).expect_error(403, "forbidden");
    w.s.put_json(&path(&w.olga_ticket), &w.alice_auth, &json!({})).expect_error(404, "not_found");
    w.s.put_json(&path(&w.alice_ticket), &w.staff, &json!({"user_id": w.olga.id})).expect_error(403, "forbidden");
    w.s.delete_json(&path(&w.alice_ticket), &w.staff, &json!({})).expect_error(403, "forbidden");
}

/// A second agent for the bell's cases (once per world), signed in.
fn bea(w: &World) -> (i64, Auth) {
    let person = match w.s.get("/api/users.json?q=bea-bell", &w.admin).json()[0]["id"].as_i64() {
        Some(id) => id,
        None => w.s.create_person(&w.admin, "bea-bell", 3, Some(PASSWORD)).id,
    };
    (person, Auth::Bearer(w.s.login_token("bea-bell", PASSWORD)))
}

/// How many unread notifications the bell of `auth` counts.
fn unread(w: &World, auth: &Auth) -> i64 {
    let r = w.s.get("/api/notifications.json?unread=true&per_page=1", auth);
    r.expect(200);
    r.header("x-total-count").and_then(|v| v.parse().ok()).expect("X-Total-Count")
}

fn a1_another_agents_notifications(w: &World) {
    let (bea_id, bea_auth) = bea(w);
    w.s.put_json(&w.path(&w.olga_ticket), &w.agent, &json!({"assignee_ids": [bea_id]})).expect(200);
    let hers = w.s.get("/api/notifications.json?unread=true", &bea_auth).json();
    let id = hers[0]["id"].as_i64().expect("Bea heard of her assignment");
    let before = unread(w, &bea_auth);
    let mine = w.s.get("/api/notifications.json?per_page=100", &w.agent).json();
    assert!(mine.as_array().unwrap().iter().all(|n| n["id"] != id), "the agent's bell lists Bea's: {mine}");
    for body in [json!({"ids": [id]}), json!({"ids": [id], "read": false}), json!({"ids": [id, id]})] {
        w.s.post_json("/api/notifications/read.json", &w.agent, &body).expect_invalid_fields(&["ids"]);
    }
    // The agent reading the ticket reads their own notifications, not Bea's.
    w.s.send(Method::PUT, &format!("{}/read", w.path(&w.olga_ticket)), &w.agent, &[], None, None).expect(204);
    w.s.post_json("/api/notifications/read.json", &w.agent, &json!({})).expect(200);
    assert_eq!(unread(w, &bea_auth), before, "Bea's bell changed");
}

fn a2_a_bell_for_customers_and_programs(w: &World) {
    let (bea_id, bea_auth) = bea(w);
    let before = unread(w, &bea_auth);
    let read = format!("{}/read", w.path(&w.alice_ticket));
    for auth in [&w.alice_auth, &w.staff] {
        w.s.get("/api/notifications.json", auth).expect_error(403, "forbidden");
        w.s.post_json("/api/notifications/read.json", auth, &json!({"user_id": bea_id})).expect_error(403, "forbidden");
        w.s.put_json(&read, auth, &json!({"user_id": bea_id})).expect_error(403, "forbidden");
        w.s.delete_json(&read, auth, &json!({"user_id": bea_id})).expect_error(403, "forbidden");
    }
    w.s.get("/api/notifications.json", &Auth::None).expect_error(401, "unauthorized");
    assert_eq!(unread(w, &bea_auth), before, "Bea's bell changed");
}

fn a3_mentions_that_name_nobody(w: &World) {
    let (_, bea_auth) = bea(w);
    let before = unread(w, &bea_auth);
    // A customer cannot summon an agent; an address is not a mention; a response mentions nobody.
    w.s.put_json(&w.path(&w.alice_ticket), &w.alice_auth, &json!({"message": "@bea-bell answer me"})).expect(200);
    let note = json!({"message": "Wrote to bea-bell@example.com and @nobody-here", "type": "note"});
    w.s.put_json(&w.path(&w.alice_ticket), &w.agent, &note).expect(200);
    w.s.put_json(&w.path(&w.alice_ticket), &w.agent, &json!({"message": "Asked @bea-bell"})).expect(200);
    assert_eq!(unread(w, &bea_auth), before, "Bea was told of what does not mention her");
    // A note that names her does.
    let note = json!({"message": "@bea-bell can you take this?", "type": "note"});
    w.s.put_json(&w.path(&w.alice_ticket), &w.agent, &note).expect(200);
    assert_eq!(unread(w, &bea_auth), before + 1);
    let latest = w.s.get("/api/notifications.json?per_page=1", &bea_auth).json();
    assert_eq!(latest[0]["reason"], "mention", "{latest}");
}

fn a4_another_agents_counts(w: &World) {
    let (_, bea_auth) = bea(w);
    w.s.post_json("/api/views.json", &bea_auth, &json!({"name": "Bea's secret", "query": "q=payslip"})).expect(201);
    let counts = w.s.get("/api/counts.json", &w.agent);
    counts.expect(200);
    assert!(!counts.text.contains("Bea's secret"), "the agent's counts show Bea's view: {}", counts.text);
    w.s.get("/api/counts.json", &w.alice_auth).expect_error(403, "forbidden");
    w.s.get("/api/counts.json", &Auth::None).expect_error(401, "unauthorized");
}

/// A django-helpdesk method posted as its clients do: a form.
fn django(s: &TestServer, method: &str, fields: &[(&str, &str)]) -> Resp {
    let body = serde_urlencoded::to_string(fields).expect("a form").into_bytes();
    s.send(
        Method::POST,
        &format!("/api/{method}/"),
        &Auth::None,
        &[],
        Some("application/x-www-form-urlencoded"),
        Some(body),
    )
}

fn y1_guessing_passwords_through_django_helpdesk(_: &World) {
    // Its own server: the guesses lock the account for every way in, sign-in included.
    let s = TestServer::start_with_config("failed_sign_ins_per_account = 5\n");
    let admin = s.admin_auth();
    s.create_person(&admin, "susan", 3, Some(PASSWORD));
    for _ in 0..5 {
        let r = django(&s, "list_queues", &[("user", "susan"), ("password", "fido")]);
        assert_eq!((r.status, r.text.as_str()), (403, "Invalid username or password"));
    }
    let r = django(&s, "list_queues", &[("user", "susan"), ("password", PASSWORD)]);
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.header("retry-after").and_then(|v| v.parse::<u64>().ok()).is_some_and(|s| (1..=900).contains(&s)));
    s.login("susan", PASSWORD).expect_error(429, "rate_limited");
}

fn y2_a_customer_acting_as_an_agent_through_django_helpdesk(w: &World) {
    let alice = [("user", "alice"), ("password", PASSWORD)];
    let with = |extra: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        alice.iter().chain(extra).map(|(k, v)| (*k, v.to_string())).collect()
    };
    let call = |method: &str, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        django(&w.s, method, &fields)
    };
    let (own, olgas) = (w.alice_ticket.as_str(), w.olga_ticket.as_str());
    w.leaves(own, || {
        w.leaves(olgas, || {
            for (method, extra) in [
                ("hold_ticket", vec![("ticket", own)]),
                ("resolve", vec![("ticket", own), ("resolution", "mine now")]),
                ("add_followup", vec![("ticket", own), ("message", "a note"), ("public", "n")]),
                ("delete_ticket", vec![("ticket", own), ("confirm", "y")]),
                ("find_user", vec![("username", "olga")]),
            ] {
                let r = call(method, with(&extra));
                assert_eq!(r.status, 403, "{method}: {}", r.text);
            }
            for (method, extra) in [
                ("hold_ticket", vec![("ticket", olgas)]),
                ("add_followup", vec![("ticket", olgas), ("message", "hello"), ("public", "y")]),
                ("delete_ticket", vec![("ticket", olgas), ("confirm", "y")]),
            ] {
                let r = call(method, with(&extra));
                assert_eq!((r.status, r.text.as_str()), (404, "Invalid ticket ID"), "{method}");
            }
        });
    });
}

fn y3_sql_and_markup_in_django_helpdesk_s_forms(w: &World) {
    for (user, password) in [("root' --", "x"), ("alice", "' OR '1'='1"), ("' OR 1=1 --", "' OR 1=1 --")] {
        let r = django(&w.s, "list_queues", &[("user", user), ("password", password)]);
        assert_eq!(r.status, 403, "{user}: {}", r.text);
    }
    let agent = [("user", "agent"), ("password", PASSWORD)];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        agent.iter().chain(extra).copied().collect()
    };
    let r = django(&w.s, "find_user", &with(&[("username", "' OR '1'='1")]));
    assert_eq!((r.status, r.text.as_str()), (404, "Invalid username provided"));
    for ticket in ["1 OR 1=1", "1; DROP TABLE tickets", "-1"] {
        let r = django(&w.s, "hold_ticket", &with(&[("ticket", ticket)]));
        assert_eq!((r.status, r.text.as_str()), (404, "Invalid ticket ID"), "{ticket}");
    }
    w.creates_nothing(|| {
        let r = django(&w.s, "create_ticket", &with(&[("queue", "1 OR 1=1"), ("title", "x")]));
        assert_eq!(r.status, 404, "{}", r.text);
    });
    // A title is text: markup stays text, in the list and in the thread.
    let r = django(
        &w.s,
        "create_ticket",
        &with(&[
            ("queue", "1"),
            ("title", "<script>alert(1)</script>"),
            ("body", "It broke"),
            ("submitter_email", "alice@example.com"),
        ]),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let t = w.s.ticket(&format!("TCK-{}", r.text), &w.staff);
    assert_eq!(t["subject"], "<script>alert(1)</script>");
    assert_ne!(threads(&t)[0]["format"], "html", "{t}");
}

/// A NodePoint call (GET), its answer as JSON (NodePoint answers 200 whatever happened).
fn nodepoint(w: &World, query: &[(&str, &str)]) -> Value {
    let query = serde_urlencoded::to_string(query).expect("a query");
    let r = w.s.get(&format!("/nodepoint/?{query}"), &Auth::None);
    assert_eq!(r.status, 200, "{}", r.text);
    serde_json::from_str(&r.text).expect("NodePoint's JSON")
}

fn y4_a_key_in_the_url_beyond_nodepoint(w: &World) {
    // NodePoint's scripts put the key in the URL, on NodePoint's API only: elsewhere it is no key.
    let key = w.s.apikey("y4", "read,write", None).key;
    assert_eq!(nodepoint(w, &[("api", "list_users"), ("key", &key)])["status"], "OK");
    for path in [format!("/api/tickets.json?key={key}"), format!("/api/tickets.json?api=list_users&key={key}")] {
        w.s.get(&path, &Auth::None).expect_error(401, "unauthorized");
    }
}

fn y5_nodepoint_s_from_user_for_someone_else(w: &World) {
    let write = w.s.apikey("y5-write", "read,write", None).key;
    let impersonating = w.s.apikey("y5-imp", "read,write,impersonate", None).key;
    let add = |key: &str, from: &str| {
        nodepoint(
            w,
            &[
                ("api", "add_ticket"),
                ("key", key),
                ("product_id", "1"),
                ("release_id", "1"),
                ("title", "As someone"),
                ("description", "x"),
                ("from_user", from),
            ],
        )
    };
    w.creates_nothing(|| {
        // The setting is off (NodePoint's default): nobody is acted as.
        assert_eq!(add(&impersonating, "olga")["message"], "User impersonation is not on.");
    });
    w.s.put_json("/api/settings.json", &w.admin, &json!({"api_impersonation": true})).expect(200);
    let gone = w.s.create_person(&w.admin, "y5-gone", 1, None);
    w.s.put_json(&format!("/api/users.json/{}", gone.id), &w.admin, &json!({"level": 0})).expect(200);
    w.creates_nothing(|| {
        assert_eq!(add(&write, "olga")["status"], "ERR_INVALID_KEY", "a key without the impersonate scope");
        assert_eq!(add(&impersonating, "y5-gone")["message"], "Invalid 'from_user' value.", "a disabled user");
        assert_eq!(add(&impersonating, "nobody-here")["message"], "Invalid 'from_user' value.");
    });
    // Acting as Alice, the key has her rights only: Olga's ticket is not hers to see or change.
    w.leaves(&w.olga_ticket, || {
        let olgas: String = w.olga_ticket.chars().filter(char::is_ascii_digit).collect();
        let r = nodepoint(
            w,
            &[
                ("api", "update_ticket"),
                ("key", &impersonating),
                ("id", &olgas),
                ("status", "Closed"),
                ("from_user", "alice"),
            ],
        );
        assert_eq!(
            (r["status"].as_str(), r["message"].as_str()),
            (Some("ERR_INVALID_ID"), Some("Ticket not found.")),
            "{r}"
        );
    });
    w.s.put_json("/api/settings.json", &w.admin, &json!({"api_impersonation": false})).expect(200);
}

fn y6_a_read_key_writes_and_guesses_through_nodepoint(w: &World) {
    let read = w.s.apikey("y6-read", "read", None).key;
    let number: String = w.alice_ticket.chars().filter(char::is_ascii_digit).collect();
    w.leaves(&w.alice_ticket, || {
        for query in [
            vec![("api", "add_comment"), ("key", read.as_str()), ("id", number.as_str()), ("comment", "sneaky")],
            vec![("api", "update_ticket"), ("key", read.as_str()), ("id", number.as_str()), ("status", "Closed")],
            vec![("api", "assign_ticket"), ("key", read.as_str()), ("id", number.as_str()), ("user", "agent")],
        ] {
            assert_eq!(nodepoint(w, &query)["status"], "ERR_INVALID_KEY", "{query:?}");
        }
    });
    w.creates_nothing(|| {
        let r = nodepoint(
            w,
            &[
                ("api", "add_user"),
                ("key", &read),
                ("user", "y6user"),
                ("password", "secret1"),
                ("email", "y6@example.com"),
            ],
        );
        assert_eq!(r["status"], "ERR_INVALID_KEY");
    });
    // verify_password counts toward the account's lockout like a sign-in (its own server).
    let s = TestServer::start_with_config("failed_sign_ins_per_account = 3\n");
    let admin = s.admin_auth();
    s.create_person(&admin, "susan", 3, Some(PASSWORD));
    let key = s.apikey("reader", "read", None).key;
    let verify = |password: &str| {
        let query = serde_urlencoded::to_string([
            ("api", "verify_password"),
            ("key", key.as_str()),
            ("user", "susan"),
            ("password", password),
        ])
        .unwrap();
        let r = s.get(&format!("/nodepoint/?{query}"), &Auth::None);
        serde_json::from_str::<Value>(&r.text).unwrap()
    };
    for _ in 0..3 {
        assert_eq!(verify("wrong")["message"], "Invalid credentials.");
    }
    let locked = verify(PASSWORD);
    assert!(locked["message"].as_str().unwrap().starts_with("Too many attempts"), "{locked}");
    s.login("susan", PASSWORD).expect_error(429, "rate_limited");
}

fn y8_hostile_osticket_xml(w: &World) {
    let xml = |auth: &Auth, content_type: &str, body: &str| {
        w.s.send(Method::POST, "/api/tickets.xml", auth, &[], Some(content_type), Some(body.as_bytes().to_vec()))
    };
    let read = w.s.apikey("y8-read", "read", None).auth();
    let valid =
        "<ticket><name>Eve</name><email>eve@evil.test</email><subject>y8</subject><message>Hi</message></ticket>";
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE ticket [<!ENTITY x SYSTEM "file:///etc/passwd">]><ticket><name>Eve</name><email>eve@evil.test</email><subject>&x;</subject><message>Hi</message></ticket>"#;
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "{}">{}]><ticket><subject>&j;</subject></ticket>"#,
        "a".repeat(10),
        (b'b'..=b'j')
            .map(|c| format!(r#"<!ENTITY {} "{}">"#, c as char, format!("&{};", (c - 1) as char).repeat(10)))
            .collect::<String>()
    );
    let many = format!("<ticket>{}</ticket>", "<x/>".repeat(20_000));
    open_the_desk(w, json!({"allow_guest_tickets": true}));
    w.creates_nothing(|| {
        for body in [xxe, laughs.as_str(), many.as_str(), "<ticket><name>x</ticket>", "<tickets/>", ""] {
            xml(&w.staff, "application/xml", body).expect_error(400, "bad_request");
        }
        xml(&read, "application/xml", valid).expect_error(403, "forbidden");
        // A page of another site can post a form or text, never XML, without asking first.
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            xml(&Auth::None, content_type, valid).expect_error(415, "unsupported_media_type");
        }
    });
    open_the_desk(w, json!({"allow_guest_tickets": false}));
    xml(&Auth::None, "application/xml", valid).expect_error(401, "unauthorized");
}

fn y7_a_read_key_writes_through_itflow(w: &World) {
    let read = w.s.apikey("y7-read", "read", None).key;
    let number: String = w.alice_ticket.chars().filter(char::is_ascii_digit).collect();
    let post = |path: &str, auth: &Auth, body: Value| {
        w.s.send(Method::POST, path, auth, &[], Some("application/json"), Some(body.to_string().into_bytes()))
    };
    w.creates_nothing(|| {
        w.leaves(&w.alice_ticket, || {
            for (path, body) in [
                ("/api/v1/tickets/create.php", json!({"ticket_subject": "Sneaky"})),
                ("/api/v1/tickets/resolve.php", json!({"ticket_id": number})),
                ("/api/v1/ticket_replies/create.php", json!({"ticket_id": number, "ticket_reply": "Sneaky"})),
            ] {
                let mut with_key = body.clone();
                with_key["api_key"] = json!(read);
                let r = post(path, &Auth::None, with_key);
                assert_eq!(
                    (r.status, r.json()["message"].as_str()),
                    (403, Some("This API key lacks the write scope.")),
                    "{path}"
                );
                let r = post(path, &w.agent, body);
                assert_eq!((r.status, r.text.as_str()), (401, ""), "{path}: a token is no key here");
            }
        });
    });
}
