//! LOGIN: PREPARATION → SEARCHING → FINISHED_OK | FINISHED_ERR_USER_NOT_FOUND |
//! FINISHED_ERR_USER_NOT_AUTHENTICATED. On success the user is the node's logged-in user.

use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};

pub struct Login {
    pub username: String,
    pub password: String,
}

impl Job for Login {
    fn kind(&self) -> TaskKind {
        TaskKind::Login
    }

    fn is_session_job(&self) -> bool {
        true
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        let world = &mut *ctx.world;
        match current {
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching => match world.users.get(&self.username) {
                None => Step::fail(
                    Status::UserNotFound,
                    format!("no user \"{}\" was found in the network", self.username),
                ),
                Some(user) if user.password != self.password => Step::fail(
                    Status::UserNotAuthenticated,
                    "the password does not match the user",
                ),
                Some(_) => {
                    world.node.logged_in = Some(self.username.clone());
                    Step::to(Status::FinishedOk).with("username", self.username.as_str())
                }
            },
            other => super::unexpected(self.type_name(), other),
        }
    }
}
