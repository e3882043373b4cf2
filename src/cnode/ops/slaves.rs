//! addSlaves, checkSlaveStatus (async) and checkSlavesConnectedToUser (sync): a master
//! node's slaves (§4.29–4.31). Other modes get their ERR_OPERATION_NOT_ALLOWED_IN_* code.

use super::args::Args;
use super::guards::{logged_in, master_mode};
use super::{start_task, task_id_reply, with_status, Code, Ctx};
use crate::cnode::jobs::{AddSlaves, CheckSlaves, SlaveAddress};
use crate::cnode::soap::{Element, Fault, Reply, Value};
use crate::cnode::world::Slave;

pub fn add_slaves(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let slaves = args
        .items("newSlaves")
        .into_iter()
        .map(slave_address)
        .collect::<Result<Vec<_>, _>>()?;
    let create_new = args.boolean("createNew")?.unwrap_or(false);
    let started = master_mode(ctx)
        .and_then(|()| logged_in(ctx))
        .and_then(|_| start_task(ctx, AddSlaves { slaves, create_new }, None));
    Ok(task_id_reply(started))
}

/// `checkedSlaves` items may be ipLocation {ip, port} (older docs) or slaveLocation.
pub fn check_slave_status(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let addresses = args
        .items("checkedSlaves")
        .into_iter()
        .map(|item| match item.child("soapAddress") {
            Some(_) => slave_address(item).map(|s| s.soap),
            None => ip_location(item),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let started = master_mode(ctx)
        .and_then(|()| logged_in(ctx))
        .and_then(|_| start_task(ctx, CheckSlaves { addresses }, None));
    Ok(task_id_reply(started))
}

pub fn check_slaves_connected_to_user(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?;
    let found = master_mode(ctx)
        .and_then(|()| logged_in(ctx))
        .and_then(|_| {
            let world = ctx.node.world();
            if !world.user_exists(username) {
                return Err(Code::InvalidUsername);
            }
            Ok(world.slaves_of(username).map(status_item).collect())
        });
    let (items, code) = match found {
        Ok(items) => (items, Code::Success),
        Err(code) => (Vec::new(), code),
    };
    Ok(with_status(Reply::new(), code).field("statusList", Value::List(items)))
}

fn status_item(slave: &Slave) -> Value {
    let ip_location = |(ip, port): &(String, u16)| {
        Value::Struct(vec![
            ("ip", Value::from(ip.clone())),
            ("port", Value::Number(u64::from(*port))),
        ])
    };
    let (buddy_ip, buddy_port) = &slave.application;
    Value::Struct(vec![
        (
            "location",
            Value::Struct(vec![
                (
                    "slaveLocation",
                    Value::Struct(vec![
                        ("soapAddress", ip_location(&slave.soap)),
                        ("applicationAddress", ip_location(&slave.application)),
                        ("machineIdHex", Value::from(slave.machine_id.clone())),
                    ]),
                ),
                (
                    "buddyLocation",
                    Value::Struct(vec![
                        ("machineIdHex", Value::from(slave.machine_id.clone())),
                        ("ip", Value::from(buddy_ip.clone())),
                        ("tcp", Value::Number(u64::from(*buddy_port))),
                        ("udp", Value::Number(u64::from(*buddy_port))),
                    ]),
                ),
            ]),
        ),
        ("userLoggedIn", Value::Bool(slave.user.is_some())),
        ("status", Value::Number(u64::from(slave.status_code))),
    ])
}

fn slave_address(item: &Element) -> Result<SlaveAddress, Fault> {
    let item = Args(item);
    let soap = item
        .element("soapAddress")
        .map(ip_location)
        .transpose()?
        .unwrap_or_default();
    let application = item
        .element("applicationAddress")
        .map(ip_location)
        .transpose()?
        .unwrap_or_default();
    Ok(SlaveAddress {
        soap,
        application,
        machine_id: item.token("machineIdHex")?.to_owned(),
    })
}

fn ip_location(element: &Element) -> Result<(String, u16), Fault> {
    let location = Args(element);
    Ok((location.token("ip")?.to_owned(), location.port("port")?))
}
