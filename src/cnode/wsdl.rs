//! The WSDL, generated from the operations' signatures (`ops::schema`) in three flavours
//! that describe the same wire: document/literal wrapped (the default, which every common
//! stub generator takes), rpc/literal (for positional client code) and rpc/encoded (as the
//! real node speaks). Only the description differs; requests and replies look the same.

use std::fmt::Write;
use std::sync::OnceLock;

use crate::cnode::ops::schema::{Field, List, Signature, Struct, Ty};
use crate::cnode::ops::signatures;

/// Where the served WSDL's `soap:address` goes; replaced by the address the client used.
pub const ADDRESS_PLACEHOLDER: &str = "{{SOAP_ADDRESS}}";

/// The part of the SOAP 1.1 encoding schema the encoded flavour imports, served at
/// `/?xsd=soap-encoding`.
pub const SOAP_ENCODING_SCHEMA: &str = include_str!("../../wsdl/soap-encoding.xsd");

const SOAP_ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// document/literal wrapped: `/?wsdl`, `/wsdl`.
    Document,
    /// rpc/literal: `/?wsdl=rpc`.
    Rpc,
    /// rpc/encoded: `/?wsdl=encoded`.
    Encoded,
}

impl Flavour {
    pub const ALL: [Flavour; 3] = [Flavour::Document, Flavour::Rpc, Flavour::Encoded];

    /// The flavour a `?wsdl=...` value asks for (empty: the default).
    pub fn from_query_value(value: &str) -> Option<Flavour> {
        match value.to_ascii_lowercase().as_str() {
            "" | "document" | "doc" | "literal" => Some(Flavour::Document),
            "rpc" => Some(Flavour::Rpc),
            "encoded" | "rpc-encoded" => Some(Flavour::Encoded),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Flavour::Document => "document/literal wrapped (request element {ns1}op with unqualified argument elements; response {ns1}opResponse holding one unqualified return)",
            Flavour::Rpc => "rpc/literal (for positional client code written against an rpc service)",
            Flavour::Encoded => "rpc/encoded (as the real node speaks; lists are SOAP-encoded arrays)",
        }
    }
}

/// The WSDL of a flavour, with [`ADDRESS_PLACEHOLDER`] for the service address; built once.
pub fn template(flavour: Flavour) -> &'static str {
    static TEMPLATES: [OnceLock<String>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Flavour::ALL
        .iter()
        .position(|f| *f == flavour)
        .expect("a flavour");
    TEMPLATES[index].get_or_init(|| generate(flavour))
}

fn generate(flavour: Flavour) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let w = &mut out;
    w.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        w,
        "\n<!--\n  cnode-emulator: WSDL 1.1 of the emulated Billon Corporate Node SOAP 1.1 API,\n  generated from the operations' signatures (src/ops/schema.rs).\n  Flavour: {}.\n  The other flavours: /?wsdl (document/literal wrapped), /?wsdl=rpc (rpc/literal), /?wsdl=encoded (rpc/encoded).\n  The application namespace is the literal string \"ns1\", as on the real node.\n-->\n",
        flavour.describe()
    );
    w.push_str(concat!(
        r#"<wsdl:definitions name="CNode" targetNamespace="ns1" xmlns:tns="ns1""#,
        r#" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/""#,
        r#" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/""#,
        r#" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/""#,
        r#" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
        "\n"
    ));
    types(w, flavour);
    messages(w, flavour);
    port_type(w);
    binding(w, flavour);
    w.push_str(concat!(
        "  <wsdl:service name=\"CNodeService\">\n",
        "    <wsdl:port name=\"CNodePort\" binding=\"tns:CNodeBinding\">\n",
        "      <soap:address location=\"{{SOAP_ADDRESS}}\"/>\n",
        "    </wsdl:port>\n",
        "  </wsdl:service>\n",
        "</wsdl:definitions>\n"
    ));
    out
}

/// Every named type the operations use, each once, in the order first met.
enum Named {
    Struct(&'static Struct),
    List(&'static List),
}

fn named_types() -> Vec<Named> {
    fn visit(ty: &Ty, seen: &mut Vec<&'static str>, out: &mut Vec<Named>) {
        match *ty {
            Ty::Struct(s) => visit_struct(s, seen, out),
            Ty::List(list) => {
                visit_struct(list.item, seen, out);
                if !seen.contains(&list.name) {
                    seen.push(list.name);
                    out.push(Named::List(list));
                }
            }
            _ => {}
        }
    }
    fn visit_struct(s: &'static Struct, seen: &mut Vec<&'static str>, out: &mut Vec<Named>) {
        if seen.contains(&s.name) {
            return;
        }
        seen.push(s.name);
        for field in s.fields {
            visit(&field.ty, seen, out);
        }
        out.push(Named::Struct(s));
    }
    let (mut seen, mut out) = (Vec::new(), Vec::new());
    for signature in signatures() {
        for arg in signature.args {
            visit(&arg.ty, &mut seen, &mut out);
        }
        visit_struct(signature.reply, &mut seen, &mut out);
    }
    out
}

fn types(w: &mut String, flavour: Flavour) {
    w.push_str("  <wsdl:types>\n");
    w.push_str("    <xsd:schema targetNamespace=\"ns1\" elementFormDefault=\"unqualified\" attributeFormDefault=\"unqualified\">\n");
    if flavour == Flavour::Encoded {
        // Served here, so that stub generators which fetch imports need no network.
        let _ = writeln!(
            w,
            "      <xsd:import namespace=\"{SOAP_ENCODING}\" schemaLocation=\"{ADDRESS_PLACEHOLDER}?xsd=soap-encoding\"/>"
        );
    }
    for named in named_types() {
        match named {
            Named::Struct(s) => complex_type(w, s),
            Named::List(list) => list_type(w, list, flavour),
        }
    }
    if flavour == Flavour::Document {
        for signature in signatures() {
            wrapper_elements(w, signature);
        }
    }
    w.push_str("    </xsd:schema>\n  </wsdl:types>\n");
}

fn complex_type(w: &mut String, s: &Struct) {
    let _ = writeln!(w, "      <xsd:complexType name=\"{}\">", s.name);
    documentation(w, "        ", "xsd", s.doc);
    w.push_str("        <xsd:sequence>\n");
    if s.open {
        w.push_str("          <xsd:any minOccurs=\"0\" maxOccurs=\"unbounded\" processContents=\"skip\"/>\n");
    }
    for field in s.fields {
        element(w, "          ", field);
    }
    w.push_str("        </xsd:sequence>\n      </xsd:complexType>\n");
}

fn list_type(w: &mut String, list: &List, flavour: Flavour) {
    let _ = writeln!(w, "      <xsd:complexType name=\"{}\">", list.name);
    if flavour == Flavour::Encoded {
        let _ = write!(
            w,
            concat!(
                "        <xsd:complexContent>\n",
                "          <xsd:restriction base=\"soapenc:Array\">\n",
                "            <xsd:attribute ref=\"soapenc:arrayType\" wsdl:arrayType=\"tns:{}[]\"/>\n",
                "          </xsd:restriction>\n",
                "        </xsd:complexContent>\n",
            ),
            list.item.name
        );
    } else {
        let _ = write!(
            w,
            concat!(
                "        <xsd:sequence>\n",
                "          <xsd:element name=\"item\" type=\"tns:{}\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n",
                "        </xsd:sequence>\n",
            ),
            list.item.name
        );
    }
    w.push_str("      </xsd:complexType>\n");
}

fn element(w: &mut String, indent: &str, field: &Field) {
    let _ = write!(
        w,
        "{indent}<xsd:element name=\"{}\" type=\"{}\"",
        field.name,
        type_ref(&field.ty)
    );
    // An rpc message part cannot be optional, but the fields of its structures can.
    if field.optional {
        w.push_str(" minOccurs=\"0\"");
    }
    if field.doc.is_empty() {
        w.push_str("/>\n");
    } else {
        w.push_str(">\n");
        documentation(w, &format!("{indent}  "), "xsd", field.doc);
        let _ = writeln!(w, "{indent}</xsd:element>");
    }
}

fn type_ref(ty: &Ty) -> String {
    match ty {
        Ty::Struct(_) | Ty::List(_) => format!("tns:{}", ty.xsd_name()),
        _ => format!("xsd:{}", ty.xsd_name()),
    }
}

/// `{ns1}op` holding the arguments and `{ns1}opResponse` holding `return`.
fn wrapper_elements(w: &mut String, signature: &Signature) {
    let _ = writeln!(
        w,
        "      <xsd:element name=\"{}\">\n        <xsd:complexType>\n          <xsd:sequence>",
        signature.name
    );
    for arg in signature.args {
        element(w, "            ", arg);
    }
    let _ = write!(
        w,
        concat!(
            "          </xsd:sequence>\n        </xsd:complexType>\n      </xsd:element>\n",
            "      <xsd:element name=\"{}Response\">\n        <xsd:complexType>\n          <xsd:sequence>\n",
            "            <xsd:element name=\"return\" type=\"tns:{}\"/>\n",
            "          </xsd:sequence>\n        </xsd:complexType>\n      </xsd:element>\n",
        ),
        signature.name, signature.reply.name
    );
}

fn messages(w: &mut String, flavour: Flavour) {
    for signature in signatures() {
        let name = signature.name;
        if flavour == Flavour::Document {
            let _ = write!(
                w,
                concat!(
                    "  <wsdl:message name=\"{name}Request\">\n",
                    "    <wsdl:part name=\"parameters\" element=\"tns:{name}\"/>\n",
                    "  </wsdl:message>\n",
                    "  <wsdl:message name=\"{name}Response\">\n",
                    "    <wsdl:part name=\"parameters\" element=\"tns:{name}Response\"/>\n",
                    "  </wsdl:message>\n",
                ),
                name = name
            );
            continue;
        }
        if signature.args.is_empty() {
            let _ = writeln!(w, "  <wsdl:message name=\"{name}Request\"/>");
        } else {
            let _ = writeln!(w, "  <wsdl:message name=\"{name}Request\">");
            for arg in signature.args {
                let _ = writeln!(
                    w,
                    "    <wsdl:part name=\"{}\" type=\"{}\"/>",
                    arg.name,
                    type_ref(&arg.ty)
                );
            }
            w.push_str("  </wsdl:message>\n");
        }
        let _ = write!(
            w,
            concat!(
                "  <wsdl:message name=\"{}Response\">\n",
                "    <wsdl:part name=\"return\" type=\"tns:{}\"/>\n",
                "  </wsdl:message>\n",
            ),
            name, signature.reply.name
        );
    }
}

fn port_type(w: &mut String) {
    w.push_str("  <wsdl:portType name=\"CNodePortType\">\n");
    for signature in signatures() {
        let _ = writeln!(w, "    <wsdl:operation name=\"{}\">", signature.name);
        documentation(w, "      ", "wsdl", signature.doc);
        let _ = write!(
            w,
            concat!(
                "      <wsdl:input message=\"tns:{name}Request\"/>\n",
                "      <wsdl:output message=\"tns:{name}Response\"/>\n",
                "    </wsdl:operation>\n",
            ),
            name = signature.name
        );
    }
    w.push_str("  </wsdl:portType>\n");
}

fn binding(w: &mut String, flavour: Flavour) {
    let (style, body) = match flavour {
        Flavour::Document => ("document", r#"<soap:body use="literal"/>"#.to_owned()),
        Flavour::Rpc => (
            "rpc",
            r#"<soap:body use="literal" namespace="ns1"/>"#.to_owned(),
        ),
        Flavour::Encoded => (
            "rpc",
            format!(
                r#"<soap:body use="encoded" encodingStyle="{SOAP_ENCODING}" namespace="ns1"/>"#
            ),
        ),
    };
    let _ = writeln!(
        w,
        "  <wsdl:binding name=\"CNodeBinding\" type=\"tns:CNodePortType\">\n    <soap:binding style=\"{style}\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>"
    );
    for signature in signatures() {
        let _ = write!(
            w,
            concat!(
                "    <wsdl:operation name=\"{}\">\n",
                "      <soap:operation soapAction=\"\" style=\"{}\"/>\n",
                "      <wsdl:input>{}</wsdl:input>\n",
                "      <wsdl:output>{}</wsdl:output>\n",
                "    </wsdl:operation>\n",
            ),
            signature.name, style, body, body
        );
    }
    w.push_str("  </wsdl:binding>\n");
}

fn documentation(w: &mut String, indent: &str, prefix: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let mut escaped = String::new();
    crate::cnode::soap::escape_attribute(&mut escaped, text);
    if prefix == "xsd" {
        let _ = writeln!(
            w,
            "{indent}<xsd:annotation><xsd:documentation>{escaped}</xsd:documentation></xsd:annotation>"
        );
    } else {
        let _ = writeln!(
            w,
            "{indent}<wsdl:documentation>{escaped}</wsdl:documentation>"
        );
    }
}
