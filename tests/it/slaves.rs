//! A master node's slaves: added and checked by tasks, listed by user.

use cnode_emulator::cnode::world::{Mode, SlaveFile};
use cnode_emulator::Settings;

use crate::harness::{start_with, Emulator};

fn master() -> Emulator {
    let mut settings = Settings::for_tests();
    settings.world.node.mode = Mode::Master;
    settings.world.node.logged_in = Some("shop".into());
    settings.world.node.slaves.push(SlaveFile {
        soap: "194.111.111.111:9999".into(),
        application: "194.111.111.111:8999".into(),
        machine_id: "00001111AAAAFFFF".into(),
        user: Some("alice".into()),
        reachable: true,
        status_code: 14,
    });
    start_with(settings)
}

#[test]
fn add_slaves_reports_each_slave() {
    let emulator = master();
    let args = "<newSlaves><item><soapAddress><ip>10.0.0.5</ip><port>9091</port></soapAddress><applicationAddress><ip>10.0.0.5</ip><port>8999</port></applicationAddress><machineIdHex>AB</machineIdHex></item><item><soapAddress><ip>194.111.111.111</ip><port>9999</port></soapAddress></item></newSlaves><createNew>false</createNew>";
    let task = emulator.call_xml("addSlaves", args).answer();
    let done = emulator.status_of(task.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("ADD_SLAVES", "FINISHED_OK")
    );
    let results = done.info()["slaves"].clone();
    assert_eq!(results[0]["result"], "ADDED");
    assert_eq!(results[1]["result"], "ALREADY_ADDED");
    assert_eq!(emulator.node().world().node.slaves.len(), 2);
}

#[test]
fn check_slave_status_takes_both_item_forms() {
    let emulator = master();
    let args = "<checkedSlaves><item><ip>194.111.111.111</ip><port>9999</port></item><item><soapAddress><ip>10.9.9.9</ip><port>1</port></soapAddress><machineIdHex>00</machineIdHex></item></checkedSlaves>";
    let task = emulator.call_xml("checkSlaveStatus", args).answer();
    let done = emulator.status_of(task.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("CHECK_SLAVE_STATUS", "FINISHED_OK")
    );
    let slaves = done.info()["slaves"].clone();
    assert_eq!(
        (slaves[0]["status"].as_str(), slaves[0]["username"].as_str()),
        (Some("CONNECTED"), Some("alice"))
    );
    assert_eq!(slaves[1]["status"], "UNKNOWN");
    let empty = emulator
        .call_xml("checkSlaveStatus", "<checkedSlaves></checkedSlaves>")
        .answer();
    assert_eq!(
        emulator.status_of(empty.get("taskId")).get("status"),
        "FINISHED_ERR_INVALID_DATA"
    );
}

#[test]
fn slaves_connected_to_a_user_are_listed() {
    let emulator = master();
    let listed = emulator
        .call_xml("checkSlavesConnectedToUser", "<username>alice</username>")
        .answer();
    assert_eq!(listed.get("requestStatus"), "SUCCESS");
    let items = &listed.ret.child("statusList").unwrap().children;
    assert_eq!(items.len(), 1);
    let slave = items[0]
        .child("location")
        .unwrap()
        .child("slaveLocation")
        .unwrap();
    assert_eq!(
        slave
            .child("soapAddress")
            .unwrap()
            .child("port")
            .unwrap()
            .text,
        "9999"
    );
    assert_eq!(items[0].child("userLoggedIn").unwrap().text, "true");
    assert_eq!(items[0].child("status").unwrap().text, "14");
    let nobody = emulator
        .call_xml("checkSlavesConnectedToUser", "<username>bob</username>")
        .answer();
    assert!(nobody.ret.child("statusList").unwrap().children.is_empty());
    assert_eq!(
        emulator
            .call_xml("checkSlavesConnectedToUser", "<username>ghost</username>")
            .answer()
            .get("requestStatus"),
        "ERR_INVALID_USERNAME"
    );
}
