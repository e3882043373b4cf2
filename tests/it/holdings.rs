//! Money held by a task always comes back: when it expires in flight, is deleted, forced, or
//! the world is reset. And the edges found in review: a transfer id is claimed before
//! anything moves, series belong to their user, huge numbers are refused, not overflowed.

use std::time::Duration;

use cnode_emulator::Settings;

use crate::harness::{eventually, paced, start, start_with, Emulator};

fn give(emulator: &Emulator, to: &str, uid: &str, kind: &str) -> (String, String) {
    let args = format!("<username>{to}</username><uniqueTransferId>{uid}</uniqueTransferId><type>{kind}</type><amount><amount>1000</amount></amount>");
    let answer = emulator.call_xml("giveMoneyRequest", &args).answer();
    (
        answer.get("requestStatus").to_owned(),
        answer.get("taskId").to_owned(),
    )
}

fn shop(emulator: &Emulator) -> (u64, u64, u64) {
    emulator.engine().catch_up();
    emulator.node().world().users["shop"].balance("PLN")
}

#[test]
fn a_transfer_that_expires_in_flight_gives_the_money_back() {
    let mut settings = paced(Duration::from_millis(500));
    settings.cnode.task_ttl = Duration::from_millis(1200);
    let emulator = start_with(settings);
    emulator.log_in_as("shop");
    let (_, task) = give(&emulator, "alice", "e-1", "GIVE_MONEY");
    emulator.advance(Duration::from_millis(1000));
    assert_eq!(emulator.status_of(&task).get("status"), "TRANSFERRING");
    assert_eq!(shop(&emulator), (4_999_000, 1_000_000, 1_000));
    emulator.advance(Duration::from_millis(200));
    eventually("the sweeper frees the task", || {
        emulator.engine().task_count() == 0
    });
    assert_eq!(
        shop(&emulator),
        (5_000_000, 1_000_000, 0),
        "nothing stays locked"
    );
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        250_000
    );
}

#[test]
fn steps_due_before_expiry_still_happen() {
    let mut settings = paced(Duration::from_millis(500));
    settings.cnode.task_ttl = Duration::from_secs(10);
    let emulator = start_with(settings);
    emulator.log_in_as("shop");
    give(&emulator, "alice", "e-2", "GIVE_MONEY");
    // Nobody polls; the clock jumps past both the last step and the TTL at once.
    emulator.advance(Duration::from_secs(60));
    eventually("the sweeper frees the task", || {
        emulator.engine().task_count() == 0
    });
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        251_000,
        "the transfer completed"
    );
}

#[test]
fn deleting_forcing_or_resetting_the_world_gives_money_back() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let (_, first) = give(&emulator, "alice", "d-1", "GIVE_MONEY");
    emulator.advance(Duration::from_millis(1000));
    assert_eq!(shop(&emulator).2, 1_000);
    assert!(emulator
        .engine()
        .delete_task(cnode_emulator::cnode::task::parse_task_id(&first).unwrap()));
    assert_eq!(shop(&emulator), (5_000_000, 1_000_000, 0));

    let (_, second) = give(&emulator, "alice", "d-2", "GIVE_MONEY");
    emulator.advance(Duration::from_millis(1000));
    let id = cnode_emulator::cnode::task::parse_task_id(&second).unwrap();
    emulator
        .engine()
        .force(id, &["FINISHED_ERR".to_owned()], None, None)
        .unwrap();
    assert_eq!(shop(&emulator), (5_000_000, 1_000_000, 0));

    let vault = emulator
        .call_xml(
            "getMoneyFromVault",
            "<amount><amount>500</amount></amount><mpin>JHV72</mpin>",
        )
        .answer();
    let (_, third) = give(&emulator, "alice", "d-3", "GIVE_MONEY");
    emulator.advance(Duration::from_millis(1000));
    emulator.engine().catch_up();
    emulator.node().reset_world();
    assert_eq!(
        emulator.status_of(vault.get("taskId")).get("status"),
        "FINISHED_OK",
        "finished before the reset"
    );
    assert_eq!(
        emulator.status_of(&third).get("status"),
        "FINISHED_ERR_CANCELLED"
    );
    emulator.advance(Duration::from_secs(5));
    let world = emulator.node().world();
    assert_eq!(
        world.users["shop"].balance("PLN"),
        (5_000_000, 1_000_000, 0),
        "no money created or lost"
    );
    assert_eq!(world.users["alice"].balance("PLN").0, 250_000);
}

#[test]
fn a_transfer_id_is_claimed_before_anything_moves() {
    let emulator = start();
    emulator.log_in_as("shop");
    assert_eq!(give(&emulator, "alice", "dup", "GIVE_MONEY").0, "SUCCESS");
    assert_eq!(
        give(&emulator, "alice", "dup", "GIVE_MONEY").0,
        "ERR_INVALID_TRANSFER_ID"
    );
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        251_000,
        "paid once"
    );
    assert_eq!(
        give(&emulator, "alice", "dup", "BOGUS").0,
        "ERR_INVALID_TRANSFER_ID",
        "the documented order"
    );
}

#[test]
fn a_series_belongs_to_its_user() {
    let emulator = start();
    emulator.log_in_as("shop");
    let series = emulator
        .call_xml("startSeriesPayment", "<requestData><username>alice</username><uniqueTransferId>s-1</uniqueTransferId></requestData><seriesData><username>alice</username></seriesData>")
        .answer()
        .get("taskId")
        .to_owned();
    let args = format!("<type>NORMAL</type><seriesId>{series}</seriesId><amount><amount>1000</amount></amount><requestData><username>bob</username><uniqueTransferId>s-2</uniqueTransferId></requestData>");
    assert_eq!(
        emulator
            .call_xml("requestPaymentInitiation", &args)
            .answer()
            .get("requestStatus"),
        "ERR_INVALID_SERIES_ID"
    );
    assert_eq!(
        emulator.node().world().users["bob"].balance("PLN").0,
        20_000
    );
}

#[test]
fn huge_numbers_are_refused_or_bounded_never_overflowed() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let reply = emulator.call_xml("expectPaymentRequest", "<username>never_answers</username><amount><amount>1</amount></amount><timeout>18446744073709551615</timeout>");
    assert_eq!(reply.status, 500);
    assert!(reply.fault().1.contains("timeout"));
    let reply = emulator.call_xml("startSeriesPayment", "<requestData><username>alice</username><uniqueTransferId>big</uniqueTransferId></requestData><seriesData><seriesSecondDuration>99999999999</seriesSecondDuration></seriesData>");
    assert_eq!(reply.status, 500);

    let series = emulator
        .call_xml("startSeriesPayment", "<requestData><username>alice</username><uniqueTransferId>s-3</uniqueTransferId></requestData><seriesData><maxTotalAmount><amount>1000</amount></maxTotalAmount></seriesData>")
        .answer()
        .get("taskId")
        .to_owned();
    emulator.advance(Duration::from_secs(2));
    let pay = |uid: &str, amount: &str| {
        let args = format!("<type>NORMAL</type><seriesId>{series}</seriesId><amount><amount>{amount}</amount></amount><requestData><username>alice</username><uniqueTransferId>{uid}</uniqueTransferId></requestData>");
        emulator
            .call_xml("requestPaymentInitiation", &args)
            .answer()
            .get("taskId")
            .to_owned()
    };
    pay("p-1", "1");
    let huge = pay("p-2", "18446744073709551615");
    emulator.advance(Duration::from_secs(2));
    assert_eq!(
        emulator.status_of(&huge).get("status"),
        "FINISHED_ERR_SERIES_CONSTRAINTS_EXCEEDED"
    );
    // The ticker is alive: a new task still moves without anyone polling it.
    let (_, later) = give(&emulator, "alice", "after", "GIVE_MONEY");
    emulator.advance(Duration::from_secs(2));
    eventually("the ticker moves tasks", || {
        emulator.node().world().users["alice"]
            .history
            .iter()
            .any(|e| e.task_id == later)
    });
}

#[test]
fn a_currency_nobody_holds_opens_no_wallet() {
    let emulator = start();
    emulator.log_in_as("shop");
    let task = emulator
        .call_xml(
            "sendMoneyToVault",
            "<amount><amount>5</amount><currency>XYZ</currency></amount>",
        )
        .answer();
    assert_eq!(
        emulator.status_of(task.get("taskId")).get("status"),
        "FINISHED_ERR_NOT_ENOUGH_MONEY"
    );
    let balances = emulator.call_xml("getMoneyStatus", "").answer();
    assert_eq!(
        balances.ret.child("balances").unwrap().children.len(),
        1,
        "only PLN"
    );
    let _ = Settings::for_tests();
}
