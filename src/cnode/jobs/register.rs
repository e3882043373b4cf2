//! REGISTER: PREPARATION → SEARCHING (is the name free?) → TRANSFERRING (writing the
//! identity) → FINISHED_OK, or FINISHED_ERR_INVALID_USERNAME when the name is taken.
//! A registered user exists in the world with no money; registering does not log in.

use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};
use crate::cnode::world::{MerchantData, User};

pub struct Register {
    pub username: String,
    pub password: String,
    /// Some for a merchant (startRegister's merchantData had content).
    pub merchant_data: Option<MerchantData>,
}

impl Register {
    fn name_taken(&self) -> Step {
        Step::fail(
            Status::InvalidUsername,
            format!("the name \"{}\" is already taken", self.username),
        )
    }
}

impl Job for Register {
    fn kind(&self) -> TaskKind {
        TaskKind::Register
    }

    fn is_session_job(&self) -> bool {
        true
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        let now = ctx.now;
        let world = &mut *ctx.world;
        match current {
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching if world.users.contains_key(&self.username) => self.name_taken(),
            Status::Searching => Step::to(Status::Transferring),
            // Someone may have taken the name while this task was writing.
            Status::Transferring if world.users.contains_key(&self.username) => self.name_taken(),
            Status::Transferring => {
                let mut user =
                    User::registered(self.password.clone(), self.merchant_data.is_some(), now);
                user.merchant_data = self.merchant_data.clone().unwrap_or_default();
                world.users.insert(self.username.clone(), user);
                Step::to(Status::FinishedOk).with("username", self.username.as_str())
            }
            other => super::unexpected(self.type_name(), other),
        }
    }
}
