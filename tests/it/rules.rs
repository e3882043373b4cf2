//! Login and mode rules, and the immediate refusals of each argument's documented code.

use cnode_emulator::cnode::world::Mode;
use cnode_emulator::Settings;

use crate::harness::{start, start_with, Emulator};

/// Operations that act for the logged-in user, with arguments that would otherwise pass.
const NEED_LOGIN: &[(&str, &str)] = &[
    ("getMoneyStatus", ""),
    ("getCoinList", ""),
    ("getHistoryReport", ""),
    ("getMerchantData", ""),
    ("giveMoneyRequest", "<username>alice</username><uniqueTransferId>u1</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>1</amount></amount>"),
    ("requestPaymentInitiation", "<type>NORMAL</type><amount><amount>1</amount></amount><requestData><username>alice</username><uniqueTransferId>u2</uniqueTransferId></requestData>"),
    ("requestPingPaymentInitiation", "<requestData><username>alice</username><uniqueTransferId>u3</uniqueTransferId></requestData>"),
    ("requestPersonalData", "<username>alice</username>"),
    ("requestPersonalLoginAuthentication", "<username>alice</username><type>LOGIN_AUTHENTICATION_REQUEST</type>"),
    ("cancelPaymentRequest", "<taskId>ZZZZZZZZZZZZZZZZZZZZZZZZZZ</taskId>"),
    ("startSeriesPayment", "<type>MONEY_COLLECT_SERIES</type><requestData><username>alice</username><uniqueTransferId>u4</uniqueTransferId></requestData>"),
    ("endSeriesPayment", "<seriesId>ZZZZZZZZZZZZZZZZZZZZZZZZZZ</seriesId>"),
    ("expectPaymentRequest", "<username>alice</username><amount><amount>1</amount></amount><timeout>600</timeout>"),
    ("sendMoneyToVault", "<amount><amount>1</amount></amount>"),
    ("getMoneyFromVault", "<amount><amount>1</amount></amount><mpin>JHV72</mpin>"),
    ("setTreasury", "<treasuryName>treasury</treasuryName><password>x</password>"),
    ("setTreasuryParameters", "<treasuryThresholdValue><amount>1</amount></treasuryThresholdValue><mpin>JHV72</mpin>"),
    ("changeMoney", "<amountToChange><amount>1</amount></amountToChange>"),
    ("changeMonexAtBnode", "<amountToChange><amount>1</amount></amountToChange><changeMonexType>AMOUNT</changeMonexType><value>1000</value>"),
    ("storePassword", "<billonUserPassword>x</billonUserPassword>"),
    ("checkPassword", "<billonUserPassword>x</billonUserPassword>"),
    ("getMpin", "<billonUserPassword>x</billonUserPassword>"),
];

const MASTER_ONLY: &[(&str, &str)] = &[
    ("addSlaves", "<newSlaves><item><soapAddress><ip>10.0.0.5</ip><port>9091</port></soapAddress></item></newSlaves>"),
    ("checkSlaveStatus", "<checkedSlaves><item><ip>10.0.0.5</ip><port>9091</port></item></checkedSlaves>"),
    ("checkSlavesConnectedToUser", "<username>alice</username>"),
    ("sendMoneyToTreasuryRequest", "<cashierName>alice</cashierName><uniqueTransferId>u5</uniqueTransferId>"),
];

fn code(emulator: &Emulator, operation: &str, arguments: &str) -> String {
    let reply = emulator.call_xml(operation, arguments);
    assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
    reply.answer().get("requestStatus").to_owned()
}

#[test]
fn without_a_logged_in_user_they_answer_not_logged_in() {
    let emulator = start();
    for (operation, arguments) in NEED_LOGIN {
        assert_eq!(
            code(&emulator, operation, arguments),
            "ERR_VUI_NOT_LOGGEDIN",
            "{operation}"
        );
    }
    for (operation, arguments) in [
        ("hello", ""),
        ("readSettings", ""),
        (
            "getTaskStatus",
            "<taskId>ZZZZZZZZZZZZZZZZZZZZZZZZZZ</taskId>",
        ),
    ] {
        assert_ne!(
            code(&emulator, operation, arguments),
            "ERR_VUI_NOT_LOGGEDIN",
            "{operation}"
        );
    }
}

#[test]
fn master_only_operations_say_which_mode_refuses_them() {
    for (mode, expected) in [
        (Mode::Normal, "ERR_OPERATION_NOT_ALLOWED_IN_NORMAL_MODE"),
        (Mode::Slave, "ERR_OPERATION_NOT_ALLOWED_IN_SLAVE_MODE"),
    ] {
        let mut settings = Settings::for_tests();
        settings.world.node.mode = mode;
        settings.world.node.logged_in = Some("shop".into());
        let emulator = start_with(settings);
        for (operation, arguments) in MASTER_ONLY {
            assert_eq!(
                code(&emulator, operation, arguments),
                expected,
                "{operation} in {mode:?}"
            );
        }
    }
    let mut settings = Settings::for_tests();
    settings.world.node.mode = Mode::Master;
    settings.world.node.logged_in = Some("shop".into());
    let emulator = start_with(settings);
    for (operation, arguments) in MASTER_ONLY {
        assert_eq!(
            code(&emulator, operation, arguments),
            "SUCCESS",
            "{operation} in master mode"
        );
    }
}

#[test]
fn give_money_refuses_each_bad_argument_with_its_code() {
    let emulator = start();
    emulator.log_in_as("shop");
    let good = [
        ("username", "alice"),
        ("uniqueTransferId", "g-1"),
        ("type", "GIVE_MONEY"),
        ("seriesId", ""),
    ];
    let amount = "<amount><amount>100</amount><currency>PLN</currency></amount>";
    let call = |changes: &[(&str, &str)], amount: &str, extra: &str| {
        let mut args = String::new();
        for (name, value) in good {
            let value = changes
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(value, |(_, v)| v);
            args.push_str(&format!("<{name}>{value}</{name}>"));
        }
        code(
            &emulator,
            "giveMoneyRequest",
            &format!("{args}{amount}{extra}"),
        )
    };
    assert_eq!(
        call(&[("username", "")], amount, ""),
        "ERR_INVALID_USERNAME"
    );
    assert_eq!(
        call(&[("uniqueTransferId", " ")], amount, ""),
        "ERR_INVALID_TRANSFER_ID"
    );
    assert_eq!(
        call(&[("type", "STEAL")], amount, ""),
        "ERR_INVALID_PAYMENT_TYPE"
    );
    assert_eq!(
        call(&[("seriesId", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ")], amount, ""),
        "ERR_INVALID_SERIES_ID"
    );
    assert_eq!(
        call(&[], "<amount><amount>0</amount></amount>", ""),
        "ERR_INVALID_AMOUNT"
    );
    assert_eq!(call(&[], "", ""), "ERR_INVALID_AMOUNT");
    let bad_location = "<peerLocation><userName>alice</userName><userLocation><ip>not-an-ip</ip><tcp>8999</tcp></userLocation></peerLocation>";
    assert_eq!(call(&[], amount, bad_location), "ERR_INVALID_PEER_LOCATION");
    let other_user = "<peerLocation><userName>bob</userName></peerLocation>";
    assert_eq!(call(&[], amount, other_user), "ERR_INVALID_PEER_LOCATION");
    let good_location = "<peerLocation><userName>alice</userName><userLocation><machineIdHex>00001111AAAAFFFF</machineIdHex><ip>10.1.2.3</ip><tcp>8999</tcp><udp>8999</udp></userLocation></peerLocation>";
    assert_eq!(call(&[], amount, good_location), "SUCCESS");
    assert_eq!(
        call(
            &[("uniqueTransferId", "g-2")],
            amount,
            "<description>not json</description>"
        ),
        "ERR_INVALID_PURCHASE_DOCUMENT"
    );
}

#[test]
fn a_reused_unique_transfer_id_is_refused() {
    let emulator = start();
    emulator.log_in_as("shop");
    let args = "<username>alice</username><uniqueTransferId>11-42225-49853-A</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>100</amount></amount>";
    assert_eq!(code(&emulator, "giveMoneyRequest", args), "SUCCESS");
    assert_eq!(
        code(&emulator, "giveMoneyRequest", args),
        "ERR_INVALID_TRANSFER_ID"
    );
    let request = "<type>NORMAL</type><amount><amount>1</amount></amount><requestData><username>alice</username><uniqueTransferId>11-42225-49853-A</uniqueTransferId></requestData>";
    assert_eq!(
        code(&emulator, "requestPaymentInitiation", request),
        "ERR_INVALID_TRANSFER_ID",
        "shared by every operation"
    );
}

#[test]
fn amounts_that_are_not_unsigned_integers_are_faults() {
    let emulator = start();
    emulator.log_in_as("shop");
    for bad in ["-5", "12.5", "18446744073709551616", "lots"] {
        let reply = emulator.call_xml(
            "sendMoneyToVault",
            &format!("<amount><amount>{bad}</amount></amount>"),
        );
        assert_eq!(reply.status, 500, "{bad}");
        let (code, text) = reply.fault();
        assert_eq!(code, "Client");
        assert!(text.contains("amount"), "{text}");
    }
}

#[test]
fn request_data_is_checked() {
    let emulator = start();
    emulator.log_in_as("shop");
    let amount = "<amount><amount>1</amount></amount>";
    let with = |data: &str| {
        code(
            &emulator,
            "requestPaymentInitiation",
            &format!("<type>NORMAL</type>{amount}{data}"),
        )
    };
    assert_eq!(with(""), "ERR_NO_REQUEST_DATA");
    assert_eq!(
        with("<requestData><uniqueTransferId>r1</uniqueTransferId></requestData>"),
        "ERR_INVALID_USERNAME"
    );
    assert_eq!(
        with("<requestData><username>alice</username></requestData>"),
        "ERR_INVALID_TRANSFER_ID"
    );
    assert_eq!(with("<requestData><username>alice</username><uniqueTransferId>r2</uniqueTransferId><requestDeliveryData>MAYBE</requestDeliveryData></requestData>"), "ERR_INVALID_DELIVERY_OPTION");
    assert_eq!(with("<requestData><username>alice</username><uniqueTransferId>r3</uniqueTransferId><requestInvoiceData>MAYBE</requestInvoiceData></requestData>"), "ERR_INVALID_INVOICE_OPTION");
    assert_eq!(with("<requestData><username>alice</username><uniqueTransferId>r4</uniqueTransferId><description>[1]</description></requestData>"), "ERR_INVALID_PURCHASE_DOCUMENT");
    let typed = code(&emulator, "requestPaymentInitiation", &format!("<type>WEEKLY</type>{amount}<requestData><username>alice</username><uniqueTransferId>r5</uniqueTransferId></requestData>"));
    assert_eq!(typed, "ERR_INVALID_PAYMENT_TYPE");
}
