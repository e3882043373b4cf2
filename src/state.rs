//! What every request handler shares: the engine, each front door's state, the limits, the
//! journal and the faults. Kept apart from the HTTP edge and the admin API so that neither
//! imports the other.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::bitrix24::Bitrix24;
use crate::callbacks::Callbacks;
use crate::cnode::ops::OpsConfig;
use crate::cnode::soap::ParseLimits;
use crate::cnode::Node;
use crate::engine::task::{Door, StatusCode, TaskId, TaskType};
use crate::engine::Engine;
use crate::faults::Faults;
use crate::intellectmoney::IntellectMoney;
use crate::journal::Journal;
use crate::mobizon::Mobizon;
use crate::ricloud::Ricloud;

pub struct AppState {
    pub engine: Arc<Engine>,
    /// The CNode front door.
    pub node: Arc<Node>,
    pub bitrix24: Arc<Bitrix24>,
    pub mobizon: Arc<Mobizon>,
    pub intellectmoney: Arc<IntellectMoney>,
    pub ricloud: Arc<Ricloud>,
    pub ops: OpsConfig,
    pub parse_limits: ParseLimits,
    pub max_body: usize,
    /// How long the whole request may take to arrive.
    pub request_timeout: std::time::Duration,
    pub journal: Journal,
    pub faults: Faults,
    /// Status callbacks: where they go, and what they did (`counts()`, for metrics).
    pub callbacks: Arc<Callbacks>,
    /// Calls by outcome, latencies, injected faults (`crate::metrics`).
    pub metrics: crate::metrics::Metrics,
    /// `None`: no admin API; `Some(None)`: open; `Some(Some(token))`: bearer token required.
    pub admin: Option<Option<String>>,
    /// When the emulator started (real time), for the health answer's uptime.
    pub started: crate::engine::clock::Stopwatch,
    /// The names of the front doors switched on.
    pub serving: Vec<&'static str>,
}

/// What the control plane asks of every front door alike.
pub trait FrontDoor: Send + Sync {
    fn door(&self) -> Door;

    /// Starts a task of `task_type` for the admin API's `POST /tasks`: one that walks
    /// `path`, or without one, the type's own story on default inputs where the door has
    /// one (else it waits in its first status until forced); `detail` is its first detail.
    /// Answers the id the service would show.
    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String>;

    /// The id the service would show as `text`, if it could be one.
    fn parse_id(&self, text: &str) -> Option<TaskId> {
        TaskId::new(self.door(), text)
    }

    /// The door's world as it stands now, for the admin API.
    fn world(&self) -> Value;

    /// The door's world as its file describes it; its unfinished tasks end in their
    /// cancelled status first, giving back what they hold (finished ones are kept).
    fn reset_world(&self);

    /// Forgets what the door's tasks belong to that is not a task itself (an IntellectMoney
    /// operation, by its id), for the admin API's delete; false when there is no such thing.
    fn forget(&self, id: &str) -> bool {
        let _ = id;
        false
    }

    /// Too-fast polls served (the door's polling advice), when it has advice.
    fn too_fast_polls(&self) -> Option<u64> {
        None
    }

    /// Everything back to the start: world, id numbering, counts (the engine forgets the tasks).
    fn reset(&self);
}

impl AppState {
    /// Every front door, CNode first.
    pub fn front_doors(&self) -> [&dyn FrontDoor; 5] {
        [
            &*self.node,
            &*self.mobizon,
            &*self.bitrix24,
            &*self.ricloud,
            &*self.intellectmoney,
        ]
    }

    /// The front door the admin API names (`frontDoor`); CNode when none is named.
    pub fn front_door(&self, name: Option<&str>) -> Option<&dyn FrontDoor> {
        let name = name.unwrap_or(crate::cnode::DOOR.name);
        self.front_doors()
            .into_iter()
            .find(|door| door.door().name == name)
    }

    /// Every front door's world as its file describes it, and every task forgotten.
    pub fn reset(&self) {
        self.engine.reset();
        for door in self.front_doors() {
            door.reset();
        }
    }
}
