//! The physical limit of this stack on this machine: an actix-web POST handler that ignores
//! its body and answers fixed bytes, those of the emulator's getTaskStatus reply, so that the
//! bare row and the emulator's row of `bench/http.sh` move the same bytes.
//!
//! `bare_handler [ADDR:PORT] [ANSWER_FILE]`: `bench/http.sh` asks the emulator for its real
//! reply to the benched poll, writes it to a file and names it here; without a file, the
//! built-in answer is such a reply (750 bytes, a finished login's status).
//! Built and run by `bench/http.sh` and `bench/callgrind.sh`; not part of the emulator.

use std::sync::OnceLock;

use actix_web::{web, App, HttpResponse, HttpServer};

const DEFAULT_ANSWER: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ns1="ns1"><SOAP-ENV:Body><ns1:getTaskStatusResponse>"#,
    r#"<return xsi:type="ns1:vuiSoapGetTaskStatusResponse"><type>LOGIN</type><progressPercent>100</progressPercent>"#,
    r#"<status>FINISHED_OK</status><additionalInfo>{"username":"test_user"}</additionalInfo>"#,
    r#"<taskId>CA6FO1T11Z427LT5DJM6BF95NW</taskId><requestStatus>SUCCESS</requestStatus>"#,
    r#"<requestStatusDescription>Request succeeded.</requestStatusDescription></return>"#,
    r#"</ns1:getTaskStatusResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#,
);

/// The bytes every request is answered with, set once before the server starts.
static ANSWER: OnceLock<&'static [u8]> = OnceLock::new();

async fn ignore_body(_: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(*ANSWER.get().expect("set in main"))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:19100".into());
    let answer: &'static [u8] = match args.next() {
        // Leaked once: a 'static slice is answered without a copy, as the constant was.
        Some(file) => Vec::leak(std::fs::read(file)?),
        None => DEFAULT_ANSWER.as_bytes(),
    };
    ANSWER.set(answer).expect("set once");
    HttpServer::new(|| App::new().default_service(web::post().to(ignore_body)))
        .bind(listen)?
        .run()
        .await
}

// The same allocator as the emulator, so the ratio compares handlers, not allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
