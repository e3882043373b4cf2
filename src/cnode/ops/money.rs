//! getMoneyStatus, getCoinList and getHistoryReport (sync, §4.9–4.11): what the logged-in
//! user owns, coin by coin, and what happened to it.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::args::Args;
use super::guards::amount_value;
use super::{status_reply, with_status, Code, Ctx};
use crate::cnode::soap::{Fault, Reply, Value};
use crate::cnode::world::{Balance, Coin, CoinList, HistoryEntry};

/// The default currency's balances first, then every currency the user holds (`balances`).
pub fn get_money_status(ctx: &Ctx, _: &Args) -> Result<Reply, Fault> {
    let world = ctx.node.world();
    let currency = world.default_currency().to_owned();
    let money = world.logged_in_money();
    let code = if money.is_some() {
        Code::Success
    } else {
        Code::VuiNotLoggedIn
    };
    let money = money.unwrap_or_default();
    let balances = |balance: Balance, currency: &str| {
        vec![
            ("freeBalance", amount_value(balance.free, currency)),
            ("vaultBalance", amount_value(balance.vault, currency)),
            ("lockedBalance", amount_value(balance.locked, currency)),
            ("unpaidCommission", amount_value(0, currency)),
        ]
    };
    let mut reply = status_reply(code);
    reply
        .fields
        .extend(balances(money.in_default_currency, &currency));
    let per_currency = money
        .by_currency
        .into_iter()
        .map(|(currency, balance)| {
            let amounts = balances(balance, &currency);
            let mut fields = vec![("currency", Value::from(currency))];
            fields.extend(amounts);
            Value::Struct(fields)
        })
        .collect();
    Ok(reply.field("balances", Value::List(per_currency)))
}

pub fn get_coin_list(ctx: &Ctx, _: &Args) -> Result<Reply, Fault> {
    let world = ctx.node.world();
    let list = world.logged_in_coins();
    let code = if list.is_some() {
        Code::Success
    } else {
        Code::VuiNotLoggedIn
    };
    let CoinList {
        free: coins,
        reserved,
    } = list.unwrap_or_default();
    let mut summary: Vec<((&str, u64), u64)> = Vec::new();
    for &(currency, coin) in &coins {
        match summary
            .iter_mut()
            .find(|(key, _)| *key == (currency, coin.value))
        {
            Some((_, quantity)) => *quantity += 1,
            None => summary.push(((currency, coin.value), 1)),
        }
    }
    summary.sort();
    let summary = summary
        .into_iter()
        .map(|((currency, value), quantity)| {
            Value::Struct(vec![
                ("amount", amount_value(value, currency)),
                ("quantity", Value::Number(quantity)),
            ])
        })
        .collect();
    let reply = Reply::new()
        .field("monexSummary", Value::List(summary))
        .field("monexList", coin_list(&coins))
        .field("reservedList", coin_list(&reserved));
    Ok(with_status(reply, code))
}

fn coin_list(coins: &[(&str, &Coin)]) -> Value {
    const DATE: &str = "%Y-%m-%d %H:%M:%S";
    Value::List(
        coins
            .iter()
            .map(|(currency, coin)| {
                Value::Struct(vec![
                    ("id", Value::from(coin.id.clone())),
                    (
                        "value",
                        Value::from(format!("{}.{:03}", coin.value / 1000, coin.value % 1000)),
                    ),
                    ("currency", Value::from((*currency).to_owned())),
                    (
                        "expirationDate",
                        Value::from(coin.expires.format(DATE).to_string()),
                    ),
                    (
                        "incomingDate",
                        Value::from(coin.incoming.format(DATE).to_string()),
                    ),
                    (
                        "issuingDate",
                        Value::from(coin.issued.format(DATE).to_string()),
                    ),
                ])
            })
            .collect(),
    )
}

const REPORT_DATE: &str = "%Y/%m/%d %H:%M:%S";
const CSV_HEADER: &str = "Type;StartDate;StartTime;Date;Time;Amount;CommissionAmount;Comment;Currency;Counterparty;TaskId";

/// The history between two dates (`YYYY/MM/DD hh:mm:ss`, either may be empty), as CSV (the
/// default) or JSON. Amounts are in billons, negative for money out. `filename` is accepted
/// and nothing is written; `disableMonexCheck` has nothing to skip here.
pub fn get_history_report(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let from = report_date(args, "fromDate")?;
    let to = report_date(args, "toDate")?;
    let only_transactions = args.boolean("onlyTransactions")?.unwrap_or(false);
    args.boolean("disableMonexCheck")?;
    args.text("filename")?;
    let json = match args.token("format")?.to_ascii_uppercase().as_str() {
        "" | "CSV" => false,
        "JSON" => true,
        other => {
            return Err(Fault::client(format!(
                "argument format must be CSV or JSON, not \"{other}\""
            )))
        }
    };
    let world = ctx.node.world();
    let Some(history) = world.logged_in_history() else {
        return Ok(with_status(
            Reply::new().field("summary", "").field("history", ""),
            Code::VuiNotLoggedIn,
        ));
    };
    let entries: Vec<&HistoryEntry> = history
        .iter()
        .filter(|e| {
            from.is_none_or(|from| e.finished >= from) && to.is_none_or(|to| e.finished <= to)
        })
        .filter(|e| !only_transactions || e.transaction)
        .collect();
    let incoming: i64 = entries.iter().map(|e| e.amount).filter(|&a| a > 0).sum();
    let outgoing: i64 = entries.iter().map(|e| e.amount).filter(|&a| a < 0).sum();
    let summary = format!(
        "{} operations; in {incoming}, out {}",
        entries.len(),
        -outgoing
    );
    let history = if json {
        history_json(&entries)
    } else {
        history_csv(&entries)
    };
    Ok(with_status(
        Reply::new()
            .field("summary", summary)
            .field("history", history),
        Code::Success,
    ))
}

fn report_date(args: &Args, name: &str) -> Result<Option<DateTime<Utc>>, Fault> {
    match args.token(name)? {
        "" => Ok(None),
        text => NaiveDateTime::parse_from_str(text, REPORT_DATE)
            .map(|t| Some(t.and_utc()))
            .map_err(|_| {
                Fault::client(format!(
                    "argument {name} must be a date YYYY/MM/DD hh:mm:ss, not \"{text}\""
                ))
            }),
    }
}

fn history_csv(entries: &[&HistoryEntry]) -> String {
    let mut csv = String::from(CSV_HEADER);
    for e in entries {
        csv.push('\n');
        csv.push_str(&format!(
            "{};{};{};{};{};{};0;{};{};{};{}",
            e.kind,
            e.started.format("%Y/%m/%d"),
            e.started.format("%H:%M:%S"),
            e.finished.format("%Y/%m/%d"),
            e.finished.format("%H:%M:%S"),
            e.amount,
            e.comment.replace([';', '\n'], " "),
            e.currency,
            e.counterparty,
            e.task_id,
        ));
    }
    csv
}

fn history_json(entries: &[&HistoryEntry]) -> String {
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "type": e.kind,
                "startDate": e.started.format("%Y/%m/%d").to_string(),
                "startTime": e.started.format("%H:%M:%S").to_string(),
                "date": e.finished.format("%Y/%m/%d").to_string(),
                "time": e.finished.format("%H:%M:%S").to_string(),
                "amount": e.amount,
                "commissionAmount": 0,
                "comment": e.comment,
                "currency": e.currency,
                "counterparty": e.counterparty,
                "taskId": e.task_id,
            })
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}
