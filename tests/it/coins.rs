//! changeMoney and changeMonexAtBnode change the coins, never the balance.

use crate::harness::{start, Emulator};

fn coins(emulator: &Emulator) -> Vec<u64> {
    let world = emulator.node().world();
    let mut values: Vec<u64> = world.users["shop"].wallets["PLN"]
        .coins
        .iter()
        .map(|c| c.value)
        .collect();
    values.sort_unstable();
    values
}

fn change(
    emulator: &Emulator,
    operation: &str,
    args: &str,
) -> cnode_emulator::cnode::status::Status {
    let answer = emulator.call_xml(operation, args).answer();
    assert_eq!(answer.get("requestStatus"), "SUCCESS", "{:?}", answer.ret);
    let status = emulator
        .status_of(answer.get("taskId"))
        .get("status")
        .to_owned();
    cnode_emulator::cnode::status::Status::parse(&status).unwrap()
}

#[test]
fn change_money_splits_coins_and_keeps_the_balance() {
    use cnode_emulator::cnode::status::Status;
    let emulator = start();
    emulator.log_in_as("shop");
    let before = coins(&emulator);
    assert_eq!(change(&emulator, "changeMoney", "<amountToChange><amount>5000000</amount><currency>PLN</currency></amountToChange><whoCanChange></whoCanChange>"), Status::FinishedOk);
    let after = coins(&emulator);
    assert_eq!(after.iter().sum::<u64>(), before.iter().sum::<u64>());
    assert!(after.len() > before.len(), "{before:?} -> {after:?}");
    // The docs' example names the amount amountToAchieve: both are read.
    assert_eq!(
        change(
            &emulator,
            "changeMoney",
            "<amountToAchieve><amount>1</amount></amountToAchieve>"
        ),
        Status::ChangeMismatch,
        "no 0.001 coin to make 1 from"
    );
    assert_eq!(emulator.call_xml("changeMoney", "<amountToChange><amount>1</amount></amountToChange><whoCanChange>ghost</whoCanChange>").answer().get("requestStatus"), "ERR_INVALID_USERNAME");
    assert_eq!(
        emulator
            .call_xml(
                "changeMoney",
                "<amountToChange><amount>0</amount></amountToChange>"
            )
            .answer()
            .get("requestStatus"),
        "ERR_INVALID_AMOUNT"
    );
}

#[test]
fn the_bank_node_changes_by_amount_histogram_and_face_value() {
    use cnode_emulator::cnode::status::Status;
    let emulator = start();
    emulator.log_in_as("shop");
    let total = coins(&emulator).iter().sum::<u64>();
    let at_bnode = |change_type: &str, value: &str, amount: u64| {
        change(&emulator, "changeMonexAtBnode", &format!("<amountToChange><amount>{amount}</amount><currency>PLN</currency></amountToChange><changeMonexType>{change_type}</changeMonexType><value>{value}</value>"))
    };
    assert_eq!(at_bnode("AMOUNT", "10000000", 50_000), Status::FinishedOk);
    assert_eq!(
        coins(&emulator).iter().filter(|&&v| v == 10_000).count(),
        5,
        "five 10.000 PLN coins"
    );
    assert_eq!(
        at_bnode("HISTOGRAM", "GROSZY_ISSUANCE_CURVE", 1_000),
        Status::FinishedOk
    );
    assert!(coins(&emulator).contains(&500));
    // FACE_VALUE: counts per denomination, smallest first: 0.001, 0.002, 0.005, 0.010 ...
    assert_eq!(
        at_bnode("FACE_VALUE", "0\n0\n0\n0\n0\n0\n0\n0\n0\n2", 2_000),
        Status::FinishedOk
    );
    assert_eq!(
        coins(&emulator).iter().sum::<u64>(),
        total,
        "the balance never changes"
    );

    assert_eq!(at_bnode("FACE_VALUE", "1\n1", 5), Status::ChangeMismatch);
    assert_eq!(
        at_bnode("FACE_VALUE", &"1\n".repeat(22), 5),
        Status::InvalidData
    );
    assert_eq!(
        at_bnode("HISTOGRAM", "MILLIONS_ISSUANCE_CURVE", 5),
        Status::InvalidData
    );
    assert_eq!(
        at_bnode("HISTOGRAM", "TENS_ISSUANCE_CURVE", 5),
        Status::ChangeMismatch
    );
    assert_eq!(at_bnode("AMOUNT", "abc", 5), Status::InvalidData);
    assert_eq!(
        at_bnode("AMOUNT", "1000", 999_999_999),
        Status::CollectingMonexAmount
    );
}

/// Found by fuzzing: changing the same money again and again broke it into ever more
/// coins, until a change took seconds (and, with 100 000 coins, getCoinList did). A change
/// now stops at the coin limits.
#[test]
fn changing_again_and_again_stops_at_the_coin_limits() {
    use cnode_emulator::cnode::status::Status;
    let emulator = start();
    emulator.log_in_as("shop");
    let before: u64 = coins(&emulator).iter().sum();
    let change_all = "<amountToChange><amount>5000000</amount><currency>PLN</currency></amountToChange><whoCanChange></whoCanChange>";
    let refused = (0..40)
        .map(|_| change(&emulator, "changeMoney", change_all))
        .find(|&status| status != Status::FinishedOk);
    assert_eq!(refused, Some(Status::ChangeMismatch));
    let after = coins(&emulator);
    assert!(after.len() <= 100_000, "{} coins", after.len());
    assert_eq!(
        after.iter().sum::<u64>(),
        before,
        "a refused change keeps the money"
    );
}
