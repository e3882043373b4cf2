//! The physical limit of this stack on this machine: an actix-web POST handler that ignores
//! its body and answers a fixed envelope of about the size getTaskStatus answers.
//! Built and run by `bench/http.sh`; not part of the emulator.

use actix_web::{web, App, HttpResponse, HttpServer};

const ANSWER: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="ns1">"#,
    r#"<SOAP-ENV:Body><ns1:getTaskStatusResponse><return><type>LOGIN</type><progressPercent>100</progressPercent>"#,
    r#"<status>FINISHED_OK</status><additionalInfo>{}</additionalInfo><taskId>7M5M84KS4RM3FALBNUN2C51CLW</taskId>"#,
    r#"<requestStatus>SUCCESS</requestStatus><requestStatusDescription>Request succeeded.</requestStatusDescription>"#,
    r#"</return></ns1:getTaskStatusResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#,
);

async fn ignore_body(_: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(ANSWER)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:19100".into());
    HttpServer::new(|| App::new().default_service(web::post().to(ignore_body)))
        .bind(listen)?
        .run()
        .await
}

// The same allocator as the emulator, so the ratio compares handlers, not allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
