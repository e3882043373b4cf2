//! Any bytes through every front door's reading of a request and its operations, against
//! one engine on a frozen clock: every input gets a reply, a fault or the service's own
//! error, never a panic.
//!
//! The first byte picks the door: `m` Mobizon, `b` Bitrix24, `r` ricloud, `i` IntellectMoney,
//! then a request as the door fixtures write it (`METHOD /path?query`, header lines, a blank
//! line, the body);
//! `c`, or anything else, CNode: the rest (or, for anything else, the whole input) is a
//! SOAP envelope.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use cnode_emulator::bitrix24::{self, Bitrix24};
use cnode_emulator::cnode::ops::{self, Ctx, OpsConfig};
use cnode_emulator::cnode::soap::{parse_call, write_fault, write_reply, ParseLimits};
use cnode_emulator::cnode::task::TaskKind;
use cnode_emulator::cnode::world::WorldFile;
use cnode_emulator::cnode::{CnodeConfig, Node};
use cnode_emulator::engine::clock::Clock;
use cnode_emulator::engine::{Engine, EngineConfig};
use cnode_emulator::intellectmoney::{self, IntellectMoney};
use cnode_emulator::mobizon::{self, Mobizon};
use cnode_emulator::ricloud::{self, Ricloud};
use cnode_emulator::state::FrontDoor;
use libfuzzer_sys::fuzz_target;

/// Inputs between two resets, so the store and the worlds stay small.
const RESET_EVERY: usize = 5_000;

struct Doors {
    engine: Arc<Engine>,
    node: Node,
    mobizon: Mobizon,
    bitrix24: Bitrix24,
    intellectmoney: IntellectMoney,
    ricloud: Ricloud,
}

fn doors() -> &'static Doors {
    static DOORS: OnceLock<Doors> = OnceLock::new();
    DOORS.get_or_init(|| {
        let world = WorldFile::default_world();
        let types = TaskKind::task_types()
            .chain(Mobizon::task_types())
            .chain(Bitrix24::task_types())
            .chain(IntellectMoney::task_types())
            .chain(Ricloud::task_types())
            .collect();
        let engine = Arc::new(Engine::new(
            EngineConfig::default(),
            Arc::new(Clock::frozen()),
            types,
        ));
        let instant = std::time::Duration::ZERO;
        Doors {
            node: Node::new(
                engine.clone(),
                CnodeConfig {
                    step: instant,
                    ..CnodeConfig::default()
                },
                &world,
            ),
            mobizon: Mobizon::new(
                engine.clone(),
                mobizon::Config {
                    pace: instant,
                    ..Default::default()
                },
                &world.mobizon,
            ),
            bitrix24: Bitrix24::new(
                engine.clone(),
                bitrix24::Config {
                    pace: instant,
                    ..Default::default()
                },
                &world.bitrix24,
            ),
            intellectmoney: IntellectMoney::new(
                engine.clone(),
                intellectmoney::Config {
                    pace: instant,
                    ..Default::default()
                },
                // Unsigned, so that inputs reach the methods (the Sign is checked apart).
                &intellectmoney::WorldSection {
                    sign: false,
                    ..world.intellectmoney.clone()
                },
            ),
            ricloud: Ricloud::new(
                engine.clone(),
                ricloud::Config {
                    pace: instant,
                    id_seed: Some(0),
                    ..Default::default()
                },
                &world.ricloud,
            ),
            engine,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let doors = doors();
    if RUNS.fetch_add(1, Ordering::Relaxed) % RESET_EVERY == 0 {
        doors.engine.reset();
        doors.node.reset();
        FrontDoor::reset(&doors.mobizon);
        FrontDoor::reset(&doors.bitrix24);
        FrontDoor::reset(&doors.intellectmoney);
        FrontDoor::reset(&doors.ricloud);
    }
    match data.split_first() {
        Some((b'm', rest)) => mobizon_call(doors, rest),
        Some((b'b', rest)) => bitrix24_call(doors, rest),
        Some((b'i', rest)) => intellectmoney_call(doors, rest),
        Some((b'r', rest)) => ricloud_call(doors, rest),
        Some((b'c', rest)) => cnode_call(doors, rest),
        _ => cnode_call(doors, data),
    }
});

fn cnode_call(doors: &Doors, data: &[u8]) {
    let Ok(call) = parse_call(data, &ParseLimits::default()) else {
        return;
    };
    let config = OpsConfig::default();
    let ctx = Ctx {
        node: &doors.node,
        config: &config,
        outcome: None,
    };
    match ops::dispatch(&ctx, &call) {
        Ok(reply) => drop(write_reply(&call.operation, &reply)),
        Err(fault) => drop(write_fault(&fault)),
    }
}

/// (path, query, Content-Type, body) of a request written as the door fixtures write it.
fn request(data: &[u8]) -> Option<(&str, &str, Option<&str>, &[u8])> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let target = lines.next()?.split_once(' ')?.1;
    let content_type = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-type")
            .then_some(value.trim())
    });
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some((path, query, content_type, body))
}

fn mobizon_call(doors: &Doors, data: &[u8]) {
    let Some((path, query, content_type, body)) = request(data) else {
        return;
    };
    let Some((module, method)) = path
        .strip_prefix("/service/")
        .and_then(|rest| rest.split_once('/'))
    else {
        return;
    };
    let request = mobizon::http::Request {
        module,
        method,
        query,
        content_type,
        body,
    };
    let (answer, output) = match mobizon::http::read(&request) {
        Ok((operation, params, output)) => (
            mobizon::http::respond(&doors.mobizon, operation, &params),
            output,
        ),
        Err((output, refusal)) => (refusal, output),
    };
    drop(mobizon::http::write(&answer, output, Default::default()));
}

fn bitrix24_call(doors: &Doors, data: &[u8]) {
    let Some((path, query, content_type, body)) = request(data) else {
        return;
    };
    let Some(rest) = path.strip_prefix("/rest/") else {
        return;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let (caller, method) = match segments.as_slice() {
        [user, code, method] => (
            bitrix24::http::Caller::Webhook {
                user: (*user).to_owned(),
                code: (*code).to_owned(),
            },
            *method,
        ),
        [method] => (bitrix24::http::Caller::Token, *method),
        _ => return,
    };
    let (method, xml) = bitrix24::methods::strip_format(method);
    let request = bitrix24::http::Request {
        caller: &caller,
        method,
        query,
        content_type,
        body,
    };
    let result = bitrix24::http::read(&doors.bitrix24, &request)
        .and_then(|(method, params)| bitrix24::methods::call(&doors.bitrix24, method, &params));
    drop(bitrix24::http::written(result, xml, None));
}

fn ricloud_call(doors: &Doors, data: &[u8]) {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let Ok(head) = std::str::from_utf8(head) else {
        return;
    };
    let mut lines = head.lines();
    let Some((method, target)) = lines.next().and_then(|line| line.split_once(' ')) else {
        return;
    };
    let authorization = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("authorization")
            .then_some(value.trim())
    });
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request = ricloud::http::Request {
        method,
        path,
        query,
        authorization,
        body,
    };
    let outcome = ricloud::http::read(&doors.ricloud, &request).and_then(|(call, key, json)| {
        let ctx = ricloud::tasks::Ctx {
            key: &key,
            host: "fuzz",
        };
        ricloud::http::respond(&doors.ricloud, &call, &json, &ctx, query)
    });
    drop(ricloud::reply::written(&outcome));
}

fn intellectmoney_call(doors: &Doors, data: &[u8]) {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let Ok(head) = std::str::from_utf8(head) else {
        return;
    };
    let mut lines = head.lines();
    let Some(target) = lines.next().and_then(|line| line.split_once(' ')) else {
        return;
    };
    let Some((group, method)) = target
        .1
        .strip_prefix("/personal/")
        .and_then(|rest| rest.split_once('/'))
    else {
        return;
    };
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
        .collect();
    let header = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|&(_, value)| value)
    };
    let request = intellectmoney::http::Request {
        group,
        method,
        authorization: header("authorization"),
        sign: header("sign"),
        accept: header("accept"),
    };
    let door = &doors.intellectmoney;
    let answer = match intellectmoney::http::check(door, &request, body) {
        Ok((method, fields)) => {
            let signature = method.signature();
            std::hint::black_box(signature.verify(
                &fields,
                "mySignSecretKey",
                request.sign.unwrap_or(""),
            ));
            method.serve(door, &fields)
        }
        Err(refused) => refused,
    };
    drop(intellectmoney::http::write(
        door,
        &answer,
        intellectmoney::Format::Xml,
    ));
}
