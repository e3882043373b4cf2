//! What the node tells about itself: settings, merchant data, user locations.

use cnode_emulator::Settings;

use crate::harness::{start, start_with};

#[test]
fn read_settings_answers_two_json_documents() {
    let emulator = start();
    let settings = emulator.call_xml("readSettings", "").answer();
    assert_eq!(
        settings.field_names(),
        [
            "requestStatus",
            "requestStatusDescription",
            "machineSettingsJson",
            "userSettingsJson"
        ]
    );
    let machine: serde_json::Value =
        serde_json::from_str(settings.get("machineSettingsJson")).unwrap();
    assert_eq!(machine["bandwidthBehaviour"]["tcpPort"], 8999);
    assert_eq!(machine["rememberUserPasswordForAutoLogin"], false);
    let user: serde_json::Value = serde_json::from_str(settings.get("userSettingsJson")).unwrap();
    assert_eq!(
        user["contactsBehaviour"]["auto_accept_strangers_payments"],
        true
    );

    emulator.log_in_as("shop");
    emulator.call_xml(
        "storePassword",
        "<billonUserPassword>shop-password</billonUserPassword>",
    );
    let after = emulator.call_xml("readSettings", "").answer();
    assert!(after
        .get("machineSettingsJson")
        .contains("\"rememberUserPasswordForAutoLogin\":true"));
}

#[test]
fn merchant_data_is_the_logged_in_users() {
    let emulator = start();
    emulator.log_in_as("shop");
    let data = emulator.call_xml("getMerchantData", "").answer();
    assert_eq!(
        data.field_names(),
        [
            "publicProfileJson",
            "invoiceDataJson",
            "financialAccountJson",
            "logo",
            "requestStatus",
            "requestStatusDescription"
        ]
    );
    assert_eq!(data.get("publicProfileJson"), r#"{"name":"Example Shop"}"#);
    assert_eq!(data.get("financialAccountJson"), "{}");

    let mut settings = Settings::for_tests();
    settings.world.node.status = "VUI_CONNECTING".into();
    settings.world.node.logged_in = Some("shop".into());
    let connecting = start_with(settings);
    assert_eq!(
        connecting
            .call_xml("getMerchantData", "")
            .answer()
            .get("requestStatus"),
        "ERR_VUI_CANT_READ"
    );
}

#[test]
fn fetch_user_location_knows_who_can_be_found() {
    let emulator = start();
    let fetch = |user: &str| {
        emulator
            .call_xml("fetchUserLocation", &format!("<username>{user}</username>"))
            .answer()
    };
    let found = fetch("alice");
    assert_eq!(
        found.field_names(),
        ["requestStatus", "requestStatusDescription"],
        "no taskId, as documented"
    );
    assert_eq!(found.get("requestStatus"), "SUCCESS");
    assert!(emulator
        .node()
        .world()
        .node
        .location_cache
        .contains("alice"));
    assert_eq!(
        fetch("unreachable_user").get("requestStatus"),
        "ERR_INVALID_USERNAME"
    );
    assert_eq!(
        fetch("username3").get("requestStatus"),
        "ERR_INVALID_USERNAME"
    );
    assert_eq!(fetch("").get("requestStatus"), "ERR_INVALID_USERNAME");
}
