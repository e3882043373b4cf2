//! ADD_SLAVES and CHECK_SLAVE_STATUS (master mode): the master's view of its slave nodes.
//! PREPARATION → SEARCHING → FINISHED_OK with one result per slave in additionalInfo, or
//! FINISHED_ERR_INVALID_DATA for an empty list.

use serde_json::{json, Value};

use super::unexpected;
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};
use crate::cnode::world::Slave;

/// A slave as the calls name it: where its SOAP and network interfaces listen.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaveAddress {
    pub soap: (String, u16),
    pub application: (String, u16),
    pub machine_id: String,
}

pub struct AddSlaves {
    pub slaves: Vec<SlaveAddress>,
    pub create_new: bool,
}

impl Job for AddSlaves {
    fn kind(&self) -> TaskKind {
        TaskKind::AddSlaves
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation if self.slaves.is_empty() => {
                Step::fail(Status::InvalidData, "newSlaves lists no slave")
            }
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching => {
                let results: Vec<Value> = self
                    .slaves
                    .iter()
                    .map(|slave| add(ctx, slave, self.create_new))
                    .collect();
                Step::to(Status::FinishedOk).with("slaves", results)
            }
            other => unexpected(self.type_name(), other),
        }
    }
}

fn add(ctx: &mut StepCtx, slave: &SlaveAddress, create_new: bool) -> Value {
    let known = &mut ctx.world.node.slaves;
    let result = match known.iter().find(|s| s.soap == slave.soap) {
        Some(existing) if !existing.reachable => "UNREACHABLE",
        Some(_) => "ALREADY_ADDED",
        None => {
            known.push(Slave {
                soap: slave.soap.clone(),
                application: slave.application.clone(),
                machine_id: slave.machine_id.clone(),
                user: None,
                reachable: true,
                status_code: 14,
            });
            if create_new {
                "CREATED"
            } else {
                "ADDED"
            }
        }
    };
    json!({"ip": slave.soap.0, "port": slave.soap.1, "result": result})
}

pub struct CheckSlaves {
    pub addresses: Vec<(String, u16)>,
}

impl Job for CheckSlaves {
    fn kind(&self) -> TaskKind {
        TaskKind::CheckSlaveStatus
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation if self.addresses.is_empty() => {
                Step::fail(Status::InvalidData, "checkedSlaves lists no slave")
            }
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching => {
                let results: Vec<Value> = self
                    .addresses
                    .iter()
                    .map(|address| {
                        let slave = ctx.world.node.slaves.iter().find(|s| s.soap == *address);
                        let status = match slave {
                            None => "UNKNOWN",
                            Some(s) if !s.reachable => "UNREACHABLE",
                            Some(_) => "CONNECTED",
                        };
                        let user = slave.and_then(|s| s.user.clone());
                        json!({
                            "ip": address.0,
                            "port": address.1,
                            "status": status,
                            "machineIdHex": slave.map_or("", |s| s.machine_id.as_str()),
                            "userLoggedIn": user.is_some(),
                            "username": user.unwrap_or_default(),
                        })
                    })
                    .collect();
                Step::to(Status::FinishedOk).with("slaves", results)
            }
            other => unexpected(self.type_name(), other),
        }
    }
}
