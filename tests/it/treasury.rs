//! The treasury: named with the user's password, its threshold set with the mpin, free
//! money above it swept to the treasury user; cashiers' money on request in master mode.

use cnode_emulator::cnode::world::Mode;
use cnode_emulator::Settings;

use crate::harness::{start, start_with};

#[test]
fn setting_the_treasury_checks_name_and_password() {
    let emulator = start();
    emulator.log_in_as("shop");
    let set = |name: &str, password: &str| {
        emulator
            .call_xml(
                "setTreasury",
                &format!("<treasuryName>{name}</treasuryName><password>{password}</password>"),
            )
            .answer()
            .get("requestStatus")
            .to_owned()
    };
    assert_eq!(set("my_treasury", "shop-password"), "ERR_INVALID_USERNAME");
    assert_eq!(set("treasury", "passwd"), "ERR_INVALID_PASSWORD");
    assert_eq!(set("treasury", "shop-password"), "SUCCESS");
    assert_eq!(
        emulator.node().world().node.treasury.as_deref(),
        Some("treasury")
    );
}

#[test]
fn money_above_the_threshold_goes_to_the_treasury() {
    let emulator = start();
    emulator.log_in_as("shop");
    emulator.call_xml(
        "setTreasury",
        "<treasuryName>treasury</treasuryName><password>shop-password</password>",
    );
    let wrong = emulator.call_xml("setTreasuryParameters", "<treasuryThresholdValue><amount>1000000</amount><currency>PLN</currency><colour>0</colour></treasuryThresholdValue><mpin>V189E</mpin>").answer();
    assert_eq!(wrong.get("requestStatus"), "ERR_INVALID_PASSWORD");
    let set = emulator.call_xml("setTreasuryParameters", "<treasuryThresholdValue><amount>1000000</amount><currency>PLN</currency><colour>0</colour></treasuryThresholdValue><mpin>JHV72</mpin>").answer();
    assert_eq!(set.get("requestStatus"), "SUCCESS");
    let balance = |user: &str| emulator.node().world().users[user].balance("PLN").0;
    assert_eq!(
        (balance("shop"), balance("treasury")),
        (1_000_000, 4_000_000),
        "swept at once"
    );

    // A payment received later is swept too.
    let args = "<type>NORMAL</type><amount><amount>5000</amount></amount><requestData><username>alice</username><uniqueTransferId>tr-1</uniqueTransferId></requestData>";
    emulator.call_xml("requestPaymentInitiation", args);
    assert_eq!(
        (balance("shop"), balance("treasury")),
        (1_000_000, 4_005_000)
    );
    let history = emulator
        .call_xml("getHistoryReport", "<format>JSON</format>")
        .answer();
    assert!(history.get("history").contains("\"TREASURY\""));
}

#[test]
fn a_cashiers_money_goes_to_the_treasury_on_request_in_master_mode() {
    let mut settings = Settings::for_tests();
    settings.world.node.mode = Mode::Master;
    settings.world.node.logged_in = Some("shop".into());
    let emulator = start_with(settings);
    let request = |uid: &str| {
        emulator
            .call_xml(
                "sendMoneyToTreasuryRequest",
                &format!(
                    "<cashierName>alice</cashierName><uniqueTransferId>{uid}</uniqueTransferId>"
                ),
            )
            .answer()
    };
    let no_treasury = request("m-1");
    assert_eq!(
        emulator.status_of(no_treasury.get("taskId")).get("status"),
        "FINISHED_ERR_INVALID_DATA"
    );

    emulator.call_xml(
        "setTreasury",
        "<treasuryName>treasury</treasuryName><password>shop-password</password>",
    );
    emulator.call_xml(
        "setTreasuryParameters",
        "<treasuryThresholdValue><amount>50000</amount></treasuryThresholdValue><mpin>JHV72</mpin>",
    );
    let moved = request("m-2");
    let done = emulator.status_of(moved.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("SEND_MONEY_TO_TREASURY", "FINISHED_OK")
    );
    let world = emulator.node().world();
    assert_eq!(world.users["alice"].balance("PLN").0, 50_000);
    assert_eq!(
        world.users["treasury"].balance("PLN").0,
        4_950_000 + 200_000
    );
    drop(world);
    assert_eq!(
        request("m-2").get("requestStatus"),
        "ERR_INVALID_TRANSFER_ID"
    );
}
