//! Every operation's signature, declared once: its arguments (which are optional), its reply
//! type and every structure they use. The WSDL in all its flavours is generated from this
//! (`crate::cnode::wsdl`), injected error replies are built from it ([`empty_reply`]), and every
//! reply an operation gives is checked against it in debug builds ([`check_reply`]).

use crate::cnode::soap::{Reply, Value};

/// The type of an argument or a reply field, as the WSDL names it.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    String,
    /// A JSON document in an `xsd:string`; `{}` when there is nothing to say.
    Json,
    Boolean,
    UnsignedShort,
    UnsignedInt,
    UnsignedLong,
    Base64,
    Struct(&'static Struct),
    /// Repeated `<item>` children (a SOAP-encoded array in the encoded flavour).
    List(&'static List),
}

impl Ty {
    /// The XML Schema type's local name.
    pub fn xsd_name(&self) -> &'static str {
        match self {
            Ty::String | Ty::Json => "string",
            Ty::Boolean => "boolean",
            Ty::UnsignedShort => "unsignedShort",
            Ty::UnsignedInt => "unsignedInt",
            Ty::UnsignedLong => "unsignedLong",
            Ty::Base64 => "base64Binary",
            Ty::Struct(s) => s.name,
            Ty::List(l) => l.name,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    /// The documentation calls it optional: `minOccurs="0"` where the style allows.
    pub optional: bool,
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        optional: false,
        doc: "",
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        optional: true,
        doc: "",
    }
}

impl Field {
    const fn doc(self, doc: &'static str) -> Field {
        Field { doc, ..self }
    }
}

/// A named complex type: its fields in wire order.
#[derive(Debug)]
pub struct Struct {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
    /// Content the WSDL leaves open (`xsd:any`): anything goes inside, nothing is read.
    pub open: bool,
    /// Replies of this type carry `xsi:type="ns1:{name}"` on `<return>`, as the docs show.
    pub typed_on_wire: bool,
}

const fn structure(name: &'static str, fields: &'static [Field]) -> Struct {
    Struct {
        name,
        doc: "",
        fields,
        open: false,
        typed_on_wire: false,
    }
}

impl Struct {
    const fn doc(self, doc: &'static str) -> Struct {
        Struct { doc, ..self }
    }

    const fn typed_on_wire(self) -> Struct {
        Struct {
            typed_on_wire: true,
            ..self
        }
    }
}

/// A named list type: `item` children of one structure.
#[derive(Debug)]
pub struct List {
    pub name: &'static str,
    pub item: &'static Struct,
}

/// What an operation takes and answers.
#[derive(Debug)]
pub struct Signature {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: &'static [Field],
    pub reply: &'static Struct,
}

const fn op(
    name: &'static str,
    args: &'static [Field],
    reply: &'static Struct,
    doc: &'static str,
) -> Signature {
    Signature {
        name,
        doc,
        args,
        reply,
    }
}

// ---- Argument structures (cnode-api.md §6) ----

pub static BILLON_AMOUNT: Struct = structure(
    "billonAmount",
    &[
        req("amount", Ty::UnsignedLong),
        req("currency", Ty::String),
        req("colour", Ty::UnsignedLong),
    ],
);

static MERCHANT_DATA: Struct = structure(
    "merchantData",
    &[
        opt("publicProfileJson", Ty::Json),
        opt("invoiceDataJson", Ty::Json),
        opt("financialAccountJson", Ty::Json),
        opt("logo", Ty::Base64),
    ],
)
.doc(r#"Undocumented by Billon; mirrors getMerchantData. Empty or absent means "not a merchant"."#);

static BILLON_NODE_LOCATION: Struct = structure(
    "billonNodeLocation",
    &[
        req("machineIdHex", Ty::String),
        req("ip", Ty::String),
        req("tcp", Ty::UnsignedShort),
        req("udp", Ty::UnsignedShort),
    ],
)
.doc("Where a node is on the network: billonUserLocation.userLocation / buddyLocation, and buddyLocation in checkSlavesConnectedToUser. Empty strings and 0 when unknown.");

static BILLON_USER_LOCATION: Struct = structure(
    "billonUserLocation",
    &[
        opt("userName", Ty::String),
        opt("userLocation", Ty::Struct(&BILLON_NODE_LOCATION)),
        opt("buddyLocation", Ty::Struct(&BILLON_NODE_LOCATION)),
        opt("confirmationCode1", Ty::String),
        opt("confirmationCode2", Ty::String),
    ],
)
.doc("peerLocation: a hint where the user is; userName, when given, must be the user the call is about.");

const DATA_OPTION: &str = "NOT_NEEDED (also when empty), OPTIONAL or OBLIGATORY.";

static PAYMENT_REQUEST_DATA: Struct = structure(
    "paymentRequestData",
    &[
        req("requestDeliveryData", Ty::String).doc(DATA_OPTION),
        req("requestInvoiceData", Ty::String).doc(DATA_OPTION),
        req("uniqueTransferId", Ty::String),
        req("username", Ty::String).doc("The user asked (the payer)."),
        opt("antiSpamCode", Ty::String),
        req("title", Ty::String),
        opt("channelInfo", Ty::String),
        opt("description", Ty::String).doc("A PurchaseDescription JSON object, or empty."),
    ],
);

pub static PLATE_PARAMETERS: Struct = Struct {
    open: true,
    ..structure("plateParameters", &[]).doc("Undocumented by Billon; accepted and ignored.")
};

static PAYMENT_SERIES_DATA: Struct = structure(
    "paymentSeriesData",
    &[
        req("maxPaymentsInSeries", Ty::UnsignedInt).doc("0 = no limit."),
        opt("description", Ty::String),
        req("maxTotalAmount", Ty::Struct(&BILLON_AMOUNT)).doc("amount 0 = no limit."),
        opt("plateParameters", Ty::Struct(&PLATE_PARAMETERS)),
        req("seriesSecondDuration", Ty::UnsignedInt)
            .doc("Seconds; 0 = open until endSeriesPayment."),
        req("username", Ty::String)
            .doc("The user who will pay; when given, must equal requestData.username."),
    ],
);

static IP_LOCATION: Struct = structure(
    "ipLocation",
    &[req("ip", Ty::String), req("port", Ty::UnsignedShort)],
);

static SLAVE_LOCATION: Struct = structure(
    "slaveLocation",
    &[
        req("soapAddress", Ty::Struct(&IP_LOCATION)),
        req("applicationAddress", Ty::Struct(&IP_LOCATION)),
        opt("machineIdHex", Ty::String),
    ],
);

static SLAVE_LOCATION_LIST: List = List {
    name: "slaveLocationList",
    item: &SLAVE_LOCATION,
};

// ---- Replies (the content of <return>) ----

const REQUEST_STATUS: Field = req("requestStatus", Ty::String);
const REQUEST_STATUS_DESCRIPTION: Field = req("requestStatusDescription", Ty::String);

pub static STATUS_RESPONSE: Struct = structure(
    "vuiSoapStatusResponse",
    &[REQUEST_STATUS, REQUEST_STATUS_DESCRIPTION],
);

static HELLO_RESPONSE: Struct = structure(
    "vuiSoapHelloResponse",
    &[
        req("status", Ty::String),
        req("pid", Ty::String),
        req("username", Ty::String),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

pub static TASK_ID_RESPONSE: Struct = structure(
    "vuiSoapTaskIdResponse",
    &[
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
        req("taskId", Ty::String),
    ],
)
.typed_on_wire();

static GET_MPIN_RESPONSE: Struct = structure(
    "vuiSoapGetMpinResponse",
    &[
        req("mpin", Ty::String),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

static GET_TASK_STATUS_RESPONSE: Struct = structure(
    "vuiSoapGetTaskStatusResponse",
    &[
        req("type", Ty::String),
        req("progressPercent", Ty::UnsignedInt),
        req("status", Ty::String),
        req("additionalInfo", Ty::Json),
        req("taskId", Ty::String),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
)
.typed_on_wire();

static READ_SETTINGS_RESPONSE: Struct = structure(
    "vuiReadSettingsResponse",
    &[
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
        req("machineSettingsJson", Ty::Json),
        req("userSettingsJson", Ty::Json),
    ],
)
.doc("readSettings; the server writes this name as xsi:type on return.")
.typed_on_wire();

static CURRENCY_BALANCE: Struct = structure(
    "currencyBalance",
    &[
        req("currency", Ty::String),
        req("freeBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("vaultBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("lockedBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("unpaidCommission", Ty::Struct(&BILLON_AMOUNT)),
    ],
);

static CURRENCY_BALANCE_LIST: List = List {
    name: "currencyBalanceList",
    item: &CURRENCY_BALANCE,
};

static GET_MONEY_STATUS_RESPONSE: Struct = structure(
    "vuiSoapGetMoneyStatusResponse",
    &[
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
        req("freeBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("vaultBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("lockedBalance", Ty::Struct(&BILLON_AMOUNT)),
        req("unpaidCommission", Ty::Struct(&BILLON_AMOUNT)),
        req("balances", Ty::List(&CURRENCY_BALANCE_LIST)),
    ],
)
.doc("The default currency's balances, then every currency the user holds (balances).");

static MONEX_SUMMARY_ENTRY: Struct = structure(
    "monexSummaryEntry",
    &[
        req("amount", Ty::Struct(&BILLON_AMOUNT)),
        req("quantity", Ty::UnsignedLong),
    ],
);

static MONEX_SUMMARY_LIST: List = List {
    name: "monexSummaryList",
    item: &MONEX_SUMMARY_ENTRY,
};

static MONEX_INFO: Struct = structure(
    "monexInfo",
    &[
        req("id", Ty::String),
        req("value", Ty::String),
        req("currency", Ty::String),
        req("expirationDate", Ty::String),
        req("incomingDate", Ty::String),
        req("issuingDate", Ty::String),
    ],
)
.doc(r#"One coin: value is a decimal string ("0.200" = 200 billons); dates are YYYY-MM-DD hh:mm:ss."#);

static MONEX_INFO_LIST: List = List {
    name: "monexInfoList",
    item: &MONEX_INFO,
};

static GET_COIN_LIST_RESPONSE: Struct = structure(
    "vuiSoapGetCoinListResponse",
    &[
        req("monexSummary", Ty::List(&MONEX_SUMMARY_LIST)),
        req("monexList", Ty::List(&MONEX_INFO_LIST)),
        req("reservedList", Ty::List(&MONEX_INFO_LIST)),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

static GET_HISTORY_REPORT_RESPONSE: Struct = structure(
    "vuiSoapGetHistoryReportResponse",
    &[
        req("summary", Ty::String),
        req("history", Ty::String)
            .doc("CSV (;-separated, with a header line) or a JSON array, as format asked."),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

static GET_MERCHANT_DATA_RESPONSE: Struct = structure(
    "vuiSoapGetMerchantDataResponse",
    &[
        req("publicProfileJson", Ty::Json),
        req("invoiceDataJson", Ty::Json),
        req("financialAccountJson", Ty::Json),
        req("logo", Ty::Base64),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

static EXPECT_PAYMENT_REQUEST_RESPONSE: Struct = structure(
    "vuiSoapExpectPaymentRequestResponse",
    &[
        req("requestPaymentIdConfirmation", Ty::String)
            .doc("The id of an EXPECTED_PAYMENT task getTaskStatus follows; empty when refused."),
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
    ],
);

static SLAVE_CONNECTION_LOCATION: Struct = structure(
    "slaveConnectionLocation",
    &[
        req("slaveLocation", Ty::Struct(&SLAVE_LOCATION)),
        req("buddyLocation", Ty::Struct(&BILLON_NODE_LOCATION)),
    ],
);

static SLAVE_CONNECTION_STATUS: Struct = structure(
    "slaveConnectionStatus",
    &[
        req("location", Ty::Struct(&SLAVE_CONNECTION_LOCATION)),
        req("userLoggedIn", Ty::Boolean),
        req("status", Ty::UnsignedInt),
    ],
);

static SLAVE_CONNECTION_STATUS_LIST: List = List {
    name: "slaveConnectionStatusList",
    item: &SLAVE_CONNECTION_STATUS,
};

static CHECK_SLAVES_CONNECTED_TO_USER_RESPONSE: Struct = structure(
    "vuiSoapCheckSlavesConnectedToUserResponse",
    &[
        REQUEST_STATUS,
        REQUEST_STATUS_DESCRIPTION,
        req("statusList", Ty::List(&SLAVE_CONNECTION_STATUS_LIST)),
    ],
);

// ---- Operations (cnode-api.md §4) ----

const AMOUNT: Ty = Ty::Struct(&BILLON_AMOUNT);
const PEER_LOCATION: Field = opt("peerLocation", Ty::Struct(&BILLON_USER_LOCATION));
const SERIES_ID: Field = opt("seriesId", Ty::String);
const PASSWORD: Field = req("billonUserPassword", Ty::String);

pub static HELLO: Signature = op(
    "hello",
    &[],
    &HELLO_RESPONSE,
    "Sync: node state, process id and logged-in user.",
);
pub static START_LOGIN: Signature = op(
    "startLogin",
    &[req("billonUserName", Ty::String), PASSWORD],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type LOGIN).",
);
pub static START_REGISTER: Signature = op(
    "startRegister",
    &[
        req("billonUserName", Ty::String),
        PASSWORD,
        req("userIPEchoice", Ty::String),
        req("userARchoice", Ty::String),
        req("recoveryEmail1", Ty::String),
        req("recoveryEmail2", Ty::String),
        opt("merchantData", Ty::Struct(&MERCHANT_DATA)),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type REGISTER).",
);
pub static STORE_PASSWORD: Signature = op(
    "storePassword",
    &[PASSWORD],
    &STATUS_RESPONSE,
    "Sync: stores the logged-in user's password for autologin.",
);
pub static CHECK_PASSWORD: Signature = op(
    "checkPassword",
    &[PASSWORD],
    &STATUS_RESPONSE,
    "Sync: checks the logged-in user's password.",
);
pub static GET_MPIN: Signature = op(
    "getMpin",
    &[PASSWORD],
    &GET_MPIN_RESPONSE,
    "Sync: returns the machine PIN (mpin).",
);
pub static GET_TASK_STATUS: Signature = op(
    "getTaskStatus",
    &[
        req("taskId", Ty::String),
        opt("uniqueTransferId", Ty::String),
        opt("callback", Ty::Boolean),
    ],
    &GET_TASK_STATUS_RESPONSE,
    "Sync: status of an async task, by taskId or (taskId empty) uniqueTransferId.",
);
pub static READ_SETTINGS: Signature = op(
    "readSettings",
    &[],
    &READ_SETTINGS_RESPONSE,
    "Sync: the node's machine and user settings as two JSON strings.",
);
pub static GET_MONEY_STATUS: Signature = op(
    "getMoneyStatus",
    &[],
    &GET_MONEY_STATUS_RESPONSE,
    "Sync: the logged-in user's free, vault and locked balances, default currency first, then per currency.",
);
pub static GET_COIN_LIST: Signature = op(
    "getCoinList",
    &[],
    &GET_COIN_LIST_RESPONSE,
    "Sync: the logged-in user's coins (monexes): a summary by denomination, free coins and reserved coins.",
);
pub static GET_HISTORY_REPORT: Signature = op(
    "getHistoryReport",
    &[
        opt("filename", Ty::String),
        opt("fromDate", Ty::String),
        opt("toDate", Ty::String),
        opt("onlyTransactions", Ty::Boolean),
        opt("disableMonexCheck", Ty::Boolean),
        opt("format", Ty::String),
    ],
    &GET_HISTORY_REPORT_RESPONSE,
    "Sync: the history between fromDate and toDate (YYYY/MM/DD hh:mm:ss, either may be empty) as CSV (the default) or JSON; filename is accepted, nothing is written.",
);
pub static GET_MERCHANT_DATA: Signature = op(
    "getMerchantData",
    &[],
    &GET_MERCHANT_DATA_RESPONSE,
    "Sync: the logged-in user's merchant profile.",
);
pub static GIVE_MONEY_REQUEST: Signature = op(
    "giveMoneyRequest",
    &[
        req("uniqueTransferId", Ty::String),
        req("type", Ty::String),
        PEER_LOCATION,
        req("amount", AMOUNT),
        SERIES_ID,
        req("username", Ty::String),
        req("shortDescription", Ty::String),
        opt("description", Ty::String),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type GIVE_MONEY or MONEY_COLLECT, as the type argument).",
);
pub static REQUEST_PAYMENT_INITIATION: Signature = op(
    "requestPaymentInitiation",
    &[
        req("type", Ty::String),
        req("amount", AMOUNT),
        SERIES_ID,
        req("requestData", Ty::Struct(&PAYMENT_REQUEST_DATA)),
        opt("paymentContext", Ty::String),
        PEER_LOCATION,
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type PAYMENT_REQUEST).",
);
pub static REQUEST_PING_PAYMENT_INITIATION: Signature = op(
    "requestPingPaymentInitiation",
    &[
        req("requestData", Ty::Struct(&PAYMENT_REQUEST_DATA)),
        opt("paymentContext", Ty::String),
        PEER_LOCATION,
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type PING_PAYMENT_REQUEST).",
);
pub static REQUEST_PERSONAL_DATA: Signature = op(
    "requestPersonalData",
    &[
        req("requestDeliveryData", Ty::String),
        req("merchantName", Ty::String),
        req("requestInvoiceData", Ty::String),
        req("type", Ty::String),
        opt("antiSpamCode", Ty::String),
        PEER_LOCATION,
        SERIES_ID,
        req("username", Ty::String),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type PERSONAL_DATA_REQUEST).",
);
pub static REQUEST_PERSONAL_LOGIN_AUTHENTICATION: Signature = op(
    "requestPersonalLoginAuthentication",
    &[
        opt("antiSpamCode", Ty::String),
        req("merchantName", Ty::String),
        req("type", Ty::String),
        req("username", Ty::String),
        PEER_LOCATION,
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type LOGIN_AUTHENTICATION_REQUEST).",
);
pub static CANCEL_PAYMENT_REQUEST: Signature = op(
    "cancelPaymentRequest",
    &[
        opt("taskId", Ty::String),
        opt("uniqueTransferId", Ty::String),
    ],
    &STATUS_RESPONSE,
    "Sync: cancels a request still waiting for the user, by taskId or uniqueTransferId (the task ends FINISHED_ERR_CANCELLED).",
);
pub static EXPECT_PAYMENT_REQUEST: Signature = op(
    "expectPaymentRequest",
    &[
        req("username", Ty::String),
        req("amount", AMOUNT),
        opt("timeout", Ty::UnsignedInt),
    ],
    &EXPECT_PAYMENT_REQUEST_RESPONSE,
    "Sync: announces a payment expected from username within timeout seconds (default 600); requestPaymentIdConfirmation is a task id to poll with getTaskStatus (type EXPECTED_PAYMENT).",
);
pub static START_SERIES_PAYMENT: Signature = op(
    "startSeriesPayment",
    &[
        req("requestData", Ty::Struct(&PAYMENT_REQUEST_DATA)),
        PEER_LOCATION,
        req("type", Ty::String),
        req("seriesData", Ty::Struct(&PAYMENT_SERIES_DATA)),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type MONEY_COLLECT_SERIES; SERIES_ACCEPTED once the user agrees); the taskId is the seriesId of later calls.",
);
pub static END_SERIES_PAYMENT: Signature = op(
    "endSeriesPayment",
    &[req("seriesId", Ty::String)],
    &STATUS_RESPONSE,
    "Sync: closes a series (its task moves to SERIES_FINISHED).",
);
pub static SEND_MONEY_TO_VAULT: Signature = op(
    "sendMoneyToVault",
    &[req("amount", AMOUNT)],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type SEND_MONEY_TO_VAULT).",
);
pub static GET_MONEY_FROM_VAULT: Signature = op(
    "getMoneyFromVault",
    &[req("amount", AMOUNT), req("mpin", Ty::String)],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type GET_MONEY_FROM_VAULT). Needs the machine's mpin.",
);
pub static SET_TREASURY: Signature = op(
    "setTreasury",
    &[req("treasuryName", Ty::String), req("password", Ty::String)],
    &STATUS_RESPONSE,
    "Sync: names the treasury user, checked by the logged-in user's password.",
);
pub static SET_TREASURY_PARAMETERS: Signature = op(
    "setTreasuryParameters",
    &[
        req("treasuryThresholdValue", AMOUNT),
        req("mpin", Ty::String),
    ],
    &STATUS_RESPONSE,
    "Sync: sets the treasury threshold (0 stops sweeping), checked by the machine's mpin.",
);
pub static SEND_MONEY_TO_TREASURY_REQUEST: Signature = op(
    "sendMoneyToTreasuryRequest",
    &[
        req("cashierName", Ty::String),
        req("uniqueTransferId", Ty::String),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type SEND_MONEY_TO_TREASURY). Master mode only.",
);
pub static CHANGE_MONEY: Signature = op(
    "changeMoney",
    &[req("amountToChange", AMOUNT), opt("whoCanChange", Ty::String)],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type CHANGE_MONEY). The server also accepts the amount as amountToAchieve (the name of the docs' XML example).",
);
pub static CHANGE_MONEX_AT_BNODE: Signature = op(
    "changeMonexAtBnode",
    &[
        req("amountToChange", AMOUNT),
        req("changeMonexType", Ty::String),
        req("value", Ty::String),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type CHANGE_MONEX_AT_BNODE). changeMonexType is AMOUNT, HISTOGRAM or FACE_VALUE.",
);
pub static ADD_SLAVES: Signature = op(
    "addSlaves",
    &[
        req("newSlaves", Ty::List(&SLAVE_LOCATION_LIST)),
        opt("createNew", Ty::Boolean),
    ],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type ADD_SLAVES). Master mode only.",
);
pub static CHECK_SLAVE_STATUS: Signature = op(
    "checkSlaveStatus",
    &[req("checkedSlaves", Ty::List(&SLAVE_LOCATION_LIST))],
    &TASK_ID_RESPONSE,
    "Async: returns a taskId to poll with getTaskStatus (type CHECK_SLAVE_STATUS). Master mode only. checkedSlaves is described as a slaveLocationList (newer docs); the server also accepts items that are ipLocations (older docs).",
);
pub static CHECK_SLAVES_CONNECTED_TO_USER: Signature = op(
    "checkSlavesConnectedToUser",
    &[req("username", Ty::String)],
    &CHECK_SLAVES_CONNECTED_TO_USER_RESPONSE,
    "Sync: the slaves the user is connected to. Master mode only.",
);
pub static FETCH_USER_LOCATION: Signature = op(
    "fetchUserLocation",
    &[req("username", Ty::String)],
    &STATUS_RESPONSE,
    "Sync: loads the user's network location into the node's cache (no taskId).",
);

/// The reply an operation gives when it fails as a whole with a code (an injected
/// ERR_TECHNICAL_PROBLEM or ERR_TIMEOUT): every field of its type, empty, in order, with
/// the status fields set.
pub fn empty_reply(
    reply: &Struct,
    request_status: &'static str,
    description: &'static str,
) -> Reply {
    let fields = reply
        .fields
        .iter()
        .map(|field| {
            let value = match field.name {
                "requestStatus" => Value::constant(request_status),
                "requestStatusDescription" => Value::constant(description),
                _ => empty_value(&field.ty),
            };
            (field.name, value)
        })
        .collect();
    Reply {
        fields,
        ..Reply::default()
    }
}

fn empty_value(ty: &Ty) -> Value {
    match ty {
        Ty::String | Ty::Base64 => Value::constant(""),
        Ty::Json => Value::constant("{}"),
        Ty::Boolean => Value::Bool(false),
        Ty::UnsignedShort | Ty::UnsignedInt | Ty::UnsignedLong => Value::Number(0),
        Ty::Struct(s) => Value::Struct(
            s.fields
                .iter()
                .map(|field| (field.name, empty_value(&field.ty)))
                .collect(),
        ),
        Ty::List(_) => Value::List(Vec::new()),
    }
}

/// What the wire needs beyond the fields, taken from the reply's type: the `xsi:type` the
/// docs show on `<return>`, and, for a client that spoke rpc/encoded, SOAP encoding (every
/// list a SOAP-encoded array of its item type, and the reply says its encodingStyle).
pub fn finish(reply_type: &Struct, reply: &mut Reply, encoded: bool) {
    reply.xsi_type = reply_type.typed_on_wire.then_some(reply_type.name);
    if encoded {
        mark_fields(reply_type, &mut reply.fields);
        reply.encoded = true;
    }
}

fn mark_fields(structure: &Struct, fields: &mut [(&'static str, Value)]) {
    for (field, (_, value)) in structure.fields.iter().zip(fields) {
        match (&field.ty, value) {
            (Ty::Struct(s), Value::Struct(fields)) => mark_fields(s, fields),
            (Ty::List(list), value @ Value::List(_)) => {
                let Value::List(mut items) = std::mem::replace(value, Value::Bool(false)) else {
                    unreachable!("matched a list")
                };
                for item in &mut items {
                    if let Value::Struct(fields) = item {
                        mark_fields(list.item, fields);
                    }
                }
                *value = Value::Array {
                    item_type: list.item.name,
                    items,
                };
            }
            _ => {}
        }
    }
}

/// Whether a reply holds exactly its type's fields, in order, each of its type: what makes
/// a stub generated from the WSDL read it.
pub fn check_reply(reply_type: &Struct, reply: &Reply) -> Result<(), String> {
    check_fields(reply_type, &reply.fields)
}

fn check_fields(structure: &Struct, fields: &[(&str, Value)]) -> Result<(), String> {
    let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    let expected: Vec<&str> = structure.fields.iter().map(|field| field.name).collect();
    if names != expected {
        return Err(format!(
            "{}: fields {names:?}, the schema says {expected:?}",
            structure.name
        ));
    }
    structure
        .fields
        .iter()
        .zip(fields)
        .try_for_each(|(field, (_, value))| check_value(structure, field, value))
}

fn check_value(within: &Struct, field: &Field, value: &Value) -> Result<(), String> {
    let mismatch = || {
        format!(
            "{}.{}: {value:?} is not a {}",
            within.name,
            field.name,
            field.ty.xsd_name()
        )
    };
    match (&field.ty, value) {
        (Ty::String | Ty::Json | Ty::Base64, Value::Text(_)) => Ok(()),
        (Ty::Boolean, Value::Bool(_)) => Ok(()),
        (Ty::UnsignedShort, Value::Number(n)) if *n <= u64::from(u16::MAX) => Ok(()),
        (Ty::UnsignedInt, Value::Number(n)) if *n <= u64::from(u32::MAX) => Ok(()),
        (Ty::UnsignedLong, Value::Number(_)) => Ok(()),
        (Ty::Struct(s), Value::Struct(fields)) => check_fields(s, fields),
        (Ty::List(list), Value::Array { item_type, .. }) if *item_type != list.item.name => {
            Err(mismatch())
        }
        (Ty::List(list), Value::List(items) | Value::Array { items, .. }) => {
            items.iter().try_for_each(|item| match item {
                Value::Struct(fields) => check_fields(list.item, fields),
                _ => Err(mismatch()),
            })
        }
        _ => Err(mismatch()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Names operations accept that the WSDL does not declare, on purpose.
    const ALIASES: &[&str] = &[
        // changeMoney: the docs' XML example names the amount so (cnode-api.md §4.27).
        "amountToAchieve",
    ];

    /// Declared because the documentation has them, read by no operation: the emulator
    /// accepts them and they change nothing (the README says so).
    const IGNORED: &[&str] = &["confirmationCode1", "confirmationCode2"];

    /// Every argument and field name the schema declares.
    fn declared() -> BTreeSet<&'static str> {
        fn visit(ty: &Ty, names: &mut BTreeSet<&'static str>) {
            let fields = match ty {
                Ty::Struct(s) => s.fields,
                Ty::List(list) => list.item.fields,
                _ => return,
            };
            for field in fields {
                names.insert(field.name);
                visit(&field.ty, names);
            }
        }
        let mut names = BTreeSet::new();
        for signature in crate::cnode::ops::signatures() {
            for arg in signature.args {
                names.insert(arg.name);
                visit(&arg.ty, &mut names);
            }
        }
        names
    }

    /// The operations' sources (without their tests), where arguments are read.
    fn operation_sources() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cnode/ops");
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| !path.ends_with("schema.rs"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap().to_owned();
                (path.display().to_string(), code)
            })
            .collect()
    }

    /// The string literals of argument reads: `.token("taskId")`, `amount(&["a", "b"])`,
    /// and the guards that take a name (`data_option(args, "requestDeliveryData")`).
    fn names_read(code: &str) -> Vec<String> {
        let mut names = Vec::new();
        let readers = [
            ".text(",
            ".token(",
            ".boolean(",
            ".unsigned(",
            ".unsigned_int(",
            ".port(",
            ".element(",
            ".nested(",
            ".items(",
            ".amount(",
            ".child(",
            ".child_of(",
            "data_option(args,",
        ];
        for reader in readers {
            for (at, _) in code.match_indices(reader) {
                let call = &code[at + reader.len()..];
                let call = &call[..call.find(')').unwrap_or(call.len())];
                names.extend(call.split('"').skip(1).step_by(2).map(str::to_owned));
            }
        }
        names
    }

    /// A name an operation reads but the WSDL does not declare would be an argument no stub
    /// can send; a declared one no operation reads would be a promise nothing keeps.
    #[test]
    fn the_names_operations_read_are_the_names_the_wsdl_declares() {
        let declared = declared();
        let sources = operation_sources();
        for (path, code) in &sources {
            for name in names_read(code) {
                assert!(
                    declared.contains(name.as_str()) || ALIASES.contains(&name.as_str()),
                    "{path} reads \"{name}\", which src/ops/schema.rs does not declare"
                );
            }
        }
        let all_code: String = sources.iter().map(|(_, code)| code.as_str()).collect();
        let unread: Vec<&str> = declared
            .into_iter()
            .filter(|name| !all_code.contains(&format!("\"{name}\"")))
            .collect();
        assert_eq!(
            unread, IGNORED,
            "src/ops/schema.rs declares names no operation reads (or IGNORED is out of date)"
        );
    }
}
