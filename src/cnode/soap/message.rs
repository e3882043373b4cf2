//! The shapes that cross the SOAP edge: a parsed call, a reply to write, a fault.

use std::borrow::Cow;

/// An element of the call, reduced to what operations read: local name, text, children.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
    /// `xsi:nil="true"`: present, but explicitly without a value.
    pub nil: bool,
    /// A SOAP-encoded array (`SOAP-ENC:arrayType`, or `xsi:type` `SOAP-ENC:Array`): its
    /// children are items, whatever they are named.
    pub array: bool,
    /// `href` and `id` (multi-reference values), boxed: most elements have neither, and a
    /// small element makes the tree cheap to build.
    pub reference: Option<Box<Reference>>,
}

/// The multi-reference attributes of an element.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reference {
    /// `href="#id"`: this element's content is elsewhere (resolved before operations run).
    pub href: Option<String>,
    /// `id="..."`: the target of an `href`.
    pub id: Option<String>,
}

impl Element {
    /// A named element with nothing in it.
    pub const fn empty(name: String) -> Element {
        Element {
            name,
            text: String::new(),
            children: Vec::new(),
            nil: false,
            array: false,
            reference: None,
        }
    }

    /// Everything but the children.
    pub fn shallow_clone(&self) -> Element {
        Element {
            name: self.name.clone(),
            text: self.text.clone(),
            children: Vec::new(),
            nil: self.nil,
            array: self.array,
            reference: self.reference.clone(),
        }
    }

    pub fn href(&self) -> Option<&str> {
        self.reference.as_ref()?.href.as_deref()
    }

    pub fn id(&self) -> Option<&str> {
        self.reference.as_ref()?.id.as_deref()
    }

    /// The `href`, removed (once followed, an element refers to nothing).
    pub fn take_href(&mut self) -> Option<String> {
        self.reference.as_mut()?.href.take()
    }

    fn reference_mut(&mut self) -> &mut Reference {
        self.reference.get_or_insert_with(Box::default)
    }

    pub fn set_href(&mut self, href: String) {
        self.reference_mut().href = Some(href);
    }

    pub fn set_id(&mut self, id: String) {
        self.reference_mut().id = Some(id);
    }

    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The first child of any of these names (for arguments the docs name two ways).
    pub fn child_of(&self, names: &[&str]) -> Option<&Element> {
        names.iter().find_map(|name| self.child(name))
    }
}

/// A request: the operation (local name of Body's first element child) and its element.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub operation: String,
    pub body: Element,
    /// The request declared SOAP encoding (`encodingStyle` on the Envelope, Body or
    /// operation): its reply marks lists as SOAP-encoded arrays, as rpc/encoded stubs need.
    pub encoded: bool,
}

/// The `<return>` of a response: fields in the order they are written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// The `xsi:type` written on `<return>` (without prefix), where the docs show one.
    pub xsi_type: Option<&'static str>,
    pub fields: Vec<(&'static str, Value)>,
    /// Written in SOAP encoding (`encodingStyle` on the Body), for a request that used it.
    pub encoded: bool,
}

impl Reply {
    pub fn new() -> Reply {
        Reply {
            // Most replies have a handful of fields: one allocation, no growth.
            fields: Vec::with_capacity(8),
            ..Reply::default()
        }
    }

    pub fn typed(xsi_type: &'static str) -> Reply {
        Reply {
            xsi_type: Some(xsi_type),
            ..Reply::default()
        }
    }

    pub fn field(mut self, name: &'static str, value: impl Into<Value>) -> Reply {
        self.fields.push((name, value.into()));
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text; borrowed when it was known when the program was built (a type or status name,
    /// a code, its description: see [`Value::constant`]), so that costs no allocation per reply.
    Text(Cow<'static, str>),
    Number(u64),
    Bool(bool),
    Struct(Vec<(&'static str, Value)>),
    /// Written as repeated `<item>` children.
    List(Vec<Value>),
    /// A list written as a SOAP-encoded array of `ns1:{item_type}`.
    Array {
        item_type: &'static str,
        items: Vec<Value>,
    },
}

impl Value {
    /// Text known when the program was built, borrowed rather than copied.
    pub const fn constant(text: &'static str) -> Value {
        Value::Text(Cow::Borrowed(text))
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::Text(Cow::Owned(text.to_owned()))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::Text(Cow::Owned(text))
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultCode {
    VersionMismatch,
    /// A header entry marked `mustUnderstand="1"` that this node does not understand.
    MustUnderstand,
    Client,
    Server,
}

impl FaultCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::Client => "Client",
            FaultCode::Server => "Server",
        }
    }
}

/// What is wrong with a request that is not a valid call.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub code: FaultCode,
    pub message: String,
}

impl Fault {
    pub fn client(message: impl Into<String>) -> Fault {
        Fault {
            code: FaultCode::Client,
            message: message.into(),
        }
    }

    pub fn server(message: impl Into<String>) -> Fault {
        Fault {
            code: FaultCode::Server,
            message: message.into(),
        }
    }

    pub fn must_understand(message: impl Into<String>) -> Fault {
        Fault {
            code: FaultCode::MustUnderstand,
            message: message.into(),
        }
    }

    pub fn version_mismatch(message: impl Into<String>) -> Fault {
        Fault {
            code: FaultCode::VersionMismatch,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}
