//! The SOAP edge: request envelopes parsed into calls, replies and faults written out.

use std::hint::black_box;

use cnode_emulator::cnode::soap::{
    parse_call, parse_call_in_full, write_fault, write_reply, Fault, ParseLimits, Reply,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The getTaskStatus request as the documentation shows it (SOAP-ENV prefix, no xsi:type).
const GET_TASK_STATUS_DOC: &str = include_str!(
    "../../../fixtures/cnode/exchanges/get-task-status-seed-example/01-getTaskStatus.request.xml"
);
/// getTaskStatus as soapUI sends it ("Style A"): indented, every argument with an xsi:type.
const GET_TASK_STATUS_STYLE_A: &str =
    include_str!("../../../fixtures/cnode/exchanges/money-style-a/02-getTaskStatus.request.xml");
/// giveMoneyRequest, Style A: nested amount and peerLocation, some 40 elements.
const GIVE_MONEY_STYLE_A: &str = include_str!(
    "../../../fixtures/cnode/exchanges/payments-style-a/03-giveMoneyRequest.request.xml"
);
/// The same giveMoneyRequest in the documentation's style, without the xsi:type attributes.
const GIVE_MONEY_STYLE_B: &str = include_str!(
    "../../../fixtures/cnode/exchanges/payments-style-b/03-giveMoneyRequest.request.xml"
);

fn parse(c: &mut Criterion) {
    // The fixtures hold `{{task:NN}}` where a scenario fills in a real id.
    let style_a = GET_TASK_STATUS_STYLE_A.replace("{{task:01}}", "7M5M84KS4RM3FALBNUN2C51CLW");
    let cases: [(&str, &str, &[u8]); 4] = [
        (
            "getTaskStatus_doc",
            "getTaskStatus",
            GET_TASK_STATUS_DOC.as_bytes(),
        ),
        ("getTaskStatus_style_a", "getTaskStatus", style_a.as_bytes()),
        (
            "giveMoneyRequest_style_a",
            "giveMoneyRequest",
            GIVE_MONEY_STYLE_A.as_bytes(),
        ),
        (
            "giveMoneyRequest_style_b",
            "giveMoneyRequest",
            GIVE_MONEY_STYLE_B.as_bytes(),
        ),
    ];
    let limits = ParseLimits::default();
    let mut group = c.benchmark_group("parse_call");
    for (name, operation, bytes) in cases {
        // Measure the success path only: a fixture that stopped parsing would time a fault.
        let call = parse_call(bytes, &limits).expect("the fixture parses");
        assert_eq!(call.operation, operation);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| b.iter(|| parse_call(black_box(bytes), &limits)));
    }
    group.finish();
    // The full parser alone on the same envelopes: what `parse_call` costs without the
    // scanner's fast path for plain envelopes (all four of these are plain).
    let mut group = c.benchmark_group("parse_call_in_full");
    for (name, _, bytes) in cases {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_call_in_full(black_box(bytes), None, &limits))
        });
    }
    group.finish();
}

/// A getTaskStatus answer for a finished task, with the fields in the order
/// src/cnode/ops/task_status.rs writes them.
fn task_status_reply() -> Reply {
    Reply::typed("vuiSoapGetTaskStatusResponse")
        .field("type", "GIVE_MONEY")
        .field("progressPercent", 100u64)
        .field("status", "FINISHED_OK")
        .field(
            "additionalInfo",
            r#"{"amount":1000,"currency":"PLN","from":"shop","to":"alice"}"#,
        )
        .field("taskId", "7M5M84KS4RM3FALBNUN2C51CLW")
        .field("requestStatus", "SUCCESS")
        .field("requestStatusDescription", "Request succeeded.")
}

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("write");

    let reply = task_status_reply();
    let written = write_reply("getTaskStatus", &reply);
    group.throughput(Throughput::Bytes(written.len() as u64));
    group.bench_function("reply_getTaskStatus", |b| {
        b.iter(|| write_reply(black_box("getTaskStatus"), black_box(&reply)))
    });

    let fault = Fault::client("argument taskId must be text, but it holds elements");
    let written = write_fault(&fault);
    group.throughput(Throughput::Bytes(written.len() as u64));
    group.bench_function("fault_client", |b| {
        b.iter(|| write_fault(black_box(&fault)))
    });

    group.finish();
}

criterion_group!(benches, parse, write);
criterion_main!(benches);

// The emulator binary's allocator (src/main.rs), so allocations cost what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
