//! register → poll → login → poll → hello, in both envelope styles.

use crate::harness::{start, Style, BOTH_STYLES};

#[test]
fn register_then_login_then_hello_in_both_styles() {
    for style in BOTH_STYLES {
        let emulator = start();
        let name = format!("new_user_{style:?}").to_lowercase();

        let hello = emulator.call(style, "hello", &[]);
        assert_eq!(hello.get("username"), "", "nobody is logged in at start");
        assert_eq!(hello.get("status"), "VUI_READY");

        let register = emulator.call(
            style,
            "startRegister",
            &[
                ("billonUserName", &name),
                ("billonUserPassword", "s3cret"),
                ("userIPEchoice", "PLUS_BANK_PRODUCTION"),
                ("userARchoice", "PLUS_BANK_PRODUCTION"),
                ("recoveryEmail1", "recovery_mail@billon.info"),
                ("recoveryEmail2", ""),
            ],
        );
        assert_eq!(register.get("requestStatus"), "SUCCESS");
        assert_eq!(
            register.get("requestStatusDescription"),
            "Request succeeded."
        );
        let registered = emulator.wait_final(style, register.get("taskId"));
        assert_eq!(registered.get("type"), "REGISTER");
        assert_eq!(registered.get("status"), "FINISHED_OK");
        assert_eq!(registered.get("progressPercent"), "100");
        assert!(
            emulator.node().world().users.contains_key(&name),
            "the user exists in the world"
        );

        let login = emulator.call(
            style,
            "startLogin",
            &[("billonUserName", &name), ("billonUserPassword", "s3cret")],
        );
        assert_eq!(login.get("requestStatus"), "SUCCESS");
        let logged_in = emulator.wait_final(style, login.get("taskId"));
        assert_eq!(logged_in.get("type"), "LOGIN");
        assert_eq!(logged_in.get("status"), "FINISHED_OK");

        let hello = emulator.call(style, "hello", &[]);
        assert_eq!(hello.get("username"), name);
        assert_eq!(hello.get("requestStatus"), "SUCCESS");
        assert_eq!(hello.get("pid"), std::process::id().to_string());
    }
}

#[test]
fn login_outcomes_follow_the_world() {
    let emulator = start();
    let cases = [
        (
            "test_user",
            "wrong",
            "FINISHED_ERR_USER_NOT_AUTHENTICATED",
            "ERR_USER_NOT_AUTHENTICATED",
        ),
        (
            "nobody_here",
            "x",
            "FINISHED_ERR_USER_NOT_FOUND",
            "ERR_USER_NOT_FOUND",
        ),
    ];
    for (user, password, status, error_name) in cases {
        let login = emulator.call(
            Style::B,
            "startLogin",
            &[("billonUserName", user), ("billonUserPassword", password)],
        );
        let done = emulator.wait_final(Style::B, login.get("taskId"));
        assert_eq!(done.get("status"), status);
        assert_eq!(done.info()["error_name"], error_name);
        assert!(done.info()["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
        assert_eq!(
            emulator.call(Style::B, "hello", &[]).get("username"),
            "",
            "a failed login logs nobody in"
        );
    }
    let refused = emulator.call(
        Style::A,
        "startLogin",
        &[("billonUserName", " "), ("billonUserPassword", "x")],
    );
    assert_eq!(refused.get("requestStatus"), "ERR_INVALID_USERNAME");
    assert_eq!(refused.get("taskId"), "");
}

#[test]
fn registration_refuses_bad_names_at_once_and_taken_names_in_the_task() {
    let emulator = start();
    let register = |name: &str, password: &str| {
        emulator.call(
            Style::B,
            "startRegister",
            &[("billonUserName", name), ("billonUserPassword", password)],
        )
    };
    for bad in ["abc", "", "has space", "ümlaut", &"x".repeat(65)] {
        let refused = register(bad, "pw");
        assert_eq!(
            refused.get("requestStatus"),
            "ERR_INVALID_USERNAME",
            "{bad:?}"
        );
        assert_eq!(refused.get("taskId"), "");
    }
    assert_eq!(
        register("good_name", "").get("requestStatus"),
        "ERR_INVALID_PASSWORD"
    );

    let taken = register("alice", "pw");
    assert_eq!(
        taken.get("requestStatus"),
        "SUCCESS",
        "taken is only known after searching"
    );
    let done = emulator.wait_final(Style::B, taken.get("taskId"));
    assert_eq!(done.get("status"), "FINISHED_ERR_INVALID_USERNAME");
    assert_eq!(done.info()["error_name"], "ERR_INVALID_USERNAME");
    assert_eq!(
        emulator.node().world().users["alice"].password,
        "alice-password",
        "alice is untouched"
    );
}

#[test]
fn merchant_data_makes_a_merchant() {
    let emulator = start();
    let body = Style::B.envelope("startRegister", &[("billonUserName", "shop_two"), ("billonUserPassword", "pw")])
        .replace("</ns:startRegister>", "<merchantData><publicProfileJson>{\"name\":\"Two\"}</publicProfileJson></merchantData></ns:startRegister>");
    let started = emulator.post(body).answer();
    emulator.wait_final(Style::B, started.get("taskId"));
    let plain = emulator.call(
        Style::B,
        "startRegister",
        &[
            ("billonUserName", "plain_user"),
            ("billonUserPassword", "pw"),
            ("merchantData", ""),
        ],
    );
    emulator.wait_final(Style::B, plain.get("taskId"));
    let world = emulator.node().world();
    assert!(world.users["shop_two"].merchant);
    assert!(!world.users["plain_user"].merchant);
}
