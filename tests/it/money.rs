//! Money is conserved: transfers move exactly their amount (through locked while in
//! flight), vault moves stay within the user, and the reports agree with the balances.

use std::time::Duration;

use crate::harness::{paced, start, start_with, Emulator};

const AMOUNT: &str =
    "<amount><amount>12345</amount><currency>PLN</currency><colour>0</colour></amount>";

/// (free, vault, locked) of the logged-in user, read over SOAP.
fn balances(emulator: &Emulator) -> (u64, u64, u64) {
    let answer = emulator.call_xml("getMoneyStatus", "").answer();
    assert_eq!(answer.get("requestStatus"), "SUCCESS");
    let read = |field: &str| {
        answer
            .ret
            .child(field)
            .unwrap()
            .child("amount")
            .unwrap()
            .text
            .parse::<u64>()
            .unwrap()
    };
    (
        read("freeBalance"),
        read("vaultBalance"),
        read("lockedBalance"),
    )
}

fn total_money(emulator: &Emulator) -> u64 {
    let world = emulator.node().world();
    world
        .users
        .values()
        .map(|u| {
            let (f, v, l) = u.balance("PLN");
            f + v + l
        })
        .sum()
}

fn give(emulator: &Emulator, to: &str, uid: &str, amount: &str) -> String {
    let args = format!("<username>{to}</username><uniqueTransferId>{uid}</uniqueTransferId><type>GIVE_MONEY</type>{amount}");
    let answer = emulator.call_xml("giveMoneyRequest", &args).answer();
    assert_eq!(answer.get("requestStatus"), "SUCCESS", "{:?}", answer.ret);
    answer.get("taskId").to_owned()
}

#[test]
fn a_transfer_moves_exactly_its_amount_through_locked() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let before = total_money(&emulator);
    assert_eq!(balances(&emulator), (5_000_000, 1_000_000, 0));

    let task = give(&emulator, "alice", "t-1", AMOUNT);
    emulator.advance_until(5, |e| e.status_of(&task).get("status") == "TRANSFERRING");
    assert_eq!(
        balances(&emulator),
        (5_000_000 - 12_345, 1_000_000, 12_345),
        "in flight: locked"
    );
    assert_eq!(total_money(&emulator), before);

    emulator.advance_until(5, |e| e.status_of(&task).get("status") == "FINISHED_OK");
    assert_eq!(balances(&emulator), (5_000_000 - 12_345, 1_000_000, 0));
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        250_000 + 12_345
    );
    assert_eq!(total_money(&emulator), before, "money is conserved");
}

#[test]
fn a_failed_transfer_gives_the_money_back() {
    let emulator = start();
    emulator.log_in_as("shop");
    let task = give(&emulator, "times_out", "t-2", AMOUNT);
    assert_eq!(
        emulator.status_of(&task).get("status"),
        "FINISHED_ERR_TIMEOUT"
    );
    assert_eq!(balances(&emulator), (5_000_000, 1_000_000, 0));
}

#[test]
fn coins_add_up_to_the_balances() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let task = give(&emulator, "alice", "t-3", AMOUNT);
    emulator.advance_until(5, |e| e.status_of(&task).get("status") == "TRANSFERRING");
    let coins = emulator.call_xml("getCoinList", "").answer();
    let sum = |list: &str| -> u64 {
        coins
            .ret
            .child(list)
            .unwrap()
            .children
            .iter()
            .map(|item| {
                let value = &item.child("value").unwrap().text;
                let (units, thousandths) = value.split_once('.').unwrap();
                units.parse::<u64>().unwrap() * 1000 + thousandths.parse::<u64>().unwrap()
            })
            .sum()
    };
    let (free, _, locked) = balances(&emulator);
    assert_eq!(sum("monexList"), free);
    assert_eq!(sum("reservedList"), locked);
    let summary: u64 = coins
        .ret
        .child("monexSummary")
        .unwrap()
        .children
        .iter()
        .map(|item| {
            let amount: u64 = item
                .child("amount")
                .unwrap()
                .child("amount")
                .unwrap()
                .text
                .parse()
                .unwrap();
            amount * item.child("quantity").unwrap().text.parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(summary, free);
}

#[test]
fn the_vault_moves_money_within_the_user() {
    let emulator = start();
    emulator.log_in_as("shop");
    let to_vault = emulator
        .call_xml(
            "sendMoneyToVault",
            "<amount><amount>1000</amount><currency>PLN</currency></amount>",
        )
        .answer();
    assert_eq!(
        emulator.status_of(to_vault.get("taskId")).get("type"),
        "SEND_MONEY_TO_VAULT"
    );
    assert_eq!(balances(&emulator), (4_999_000, 1_001_000, 0));

    let wrong = emulator
        .call_xml(
            "getMoneyFromVault",
            "<amount><amount>10</amount></amount><mpin>AAAAA</mpin>",
        )
        .answer();
    assert_eq!(wrong.get("requestStatus"), "ERR_INVALID_PASSWORD");
    let back = emulator
        .call_xml(
            "getMoneyFromVault",
            "<amount><amount>1001000</amount></amount><mpin>JHV72</mpin>",
        )
        .answer();
    let done = emulator.status_of(back.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("GET_MONEY_FROM_VAULT", "FINISHED_OK")
    );
    assert_eq!(balances(&emulator), (6_000_000, 0, 0));
    let too_much = emulator
        .call_xml(
            "getMoneyFromVault",
            "<amount><amount>1</amount></amount><mpin>JHV72</mpin>",
        )
        .answer();
    assert_eq!(
        emulator.status_of(too_much.get("taskId")).get("status"),
        "FINISHED_ERR_NOT_ENOUGH_MONEY"
    );
}

#[test]
fn the_history_report_lists_it_all_in_csv_and_json_filtered_by_date() {
    let emulator = start();
    emulator.log_in_as("shop");
    give(&emulator, "alice", "h-1", AMOUNT);
    emulator.call_xml(
        "sendMoneyToVault",
        "<amount><amount>1000</amount><currency>PLN</currency></amount>",
    );

    let csv = emulator
        .call_xml(
            "getHistoryReport",
            "<filename>test.csv</filename><format>CSV</format>",
        )
        .answer();
    assert_eq!(csv.get("requestStatus"), "SUCCESS");
    let lines: Vec<&str> = csv.get("history").lines().collect();
    assert!(
        lines[0].starts_with("Type;StartDate;StartTime;Date;Time;Amount;CommissionAmount;Comment")
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[1].starts_with("GIVE_MONEY;")
            && lines[1].contains(";-12345;")
            && lines[1].contains(";alice;")
    );
    assert!(lines[2].starts_with("SEND_MONEY_TO_VAULT;") && lines[2].contains(";-1000;"));

    let json = emulator
        .call_xml(
            "getHistoryReport",
            "<format>JSON</format><onlyTransactions>true</onlyTransactions>",
        )
        .answer();
    let rows: serde_json::Value = serde_json::from_str(json.get("history")).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "onlyTransactions leaves the vault out"
    );
    assert_eq!(rows[0]["amount"], -12345);
    assert_eq!(rows[0]["counterparty"], "alice");

    let today = emulator.engine().wall_now();
    let tomorrow = (today + chrono::TimeDelta::days(1)).format("%Y/%m/%d %H:%M:%S");
    let yesterday = (today - chrono::TimeDelta::days(1)).format("%Y/%m/%d %H:%M:%S");
    let future = emulator
        .call_xml(
            "getHistoryReport",
            &format!("<fromDate>{tomorrow}</fromDate><format>JSON</format>"),
        )
        .answer();
    assert_eq!(future.get("history"), "[]");
    let window =
        format!("<fromDate>{yesterday}</fromDate><toDate>{tomorrow}</toDate><format>JSON</format>");
    let around = emulator.call_xml("getHistoryReport", &window).answer();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(around.get("history"))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let alice_side = {
        let world = emulator.node().world();
        world.users["alice"]
            .history
            .iter()
            .map(|e| e.amount)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        alice_side,
        vec![12_345],
        "the receiver's history has the other side"
    );

    let bad_date = emulator.call_xml("getHistoryReport", "<fromDate>2018-01-17</fromDate>");
    assert_eq!(bad_date.status, 500);
    assert!(bad_date.fault().1.contains("fromDate"));
}
