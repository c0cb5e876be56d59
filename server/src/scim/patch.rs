//! PATCH (RFC 7644 §3.5.2) in the forms identity providers send it:
//! operation names in any case, with a `path` (also with a value filter,
//! `emails[type eq "work"].value`, and schema-qualified) or without one (a
//! map of attributes to values, whose keys may themselves be dotted paths,
//! as Microsoft Entra ID sends), and booleans as strings (`"False"`).
//!
//! An operation on an attribute Roster does not keep (a phone number, the
//! enterprise extension, a password) is ignored, as identity providers
//! send whatever their mapping holds; one on an attribute that cannot be
//! changed here is refused.

use serde_json::{Map, Value};

use super::{body, error::ScimError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

/// Where an operation applies: `attribute[key eq "value"].sub`, lower-cased.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub attribute: String,
    pub filter: Option<(String, Value)>,
    pub sub: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub op: Op,
    /// `None`: the value is a map of attributes.
    pub path: Option<Path>,
    pub value: Option<Value>,
}

/// The operations of a PATCH body.
pub fn operations(request: &Map<String, Value>, schema: &str) -> Result<Vec<Operation>, ScimError> {
    let Some(Value::Array(list)) = body::field(request, "Operations") else {
        return Err(ScimError::invalid_value("A PATCH body lists its changes in Operations."));
    };
    if list.is_empty() {
        return Err(ScimError::invalid_value("Operations is empty."));
    }
    let mut operations = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(item) = item else {
            return Err(ScimError::invalid_value("Each operation is an object with op, path and value."));
        };
        let op = match body::text(item, "op")?.map(str::to_ascii_lowercase).as_deref() {
            Some("add") => Op::Add,
            Some("replace") => Op::Replace,
            Some("remove") => Op::Remove,
            _ => return Err(ScimError::invalid_value("An operation's op is add, replace or remove.")),
        };
        let path = match body::text(item, "path")? {
            Some(text) if !text.trim().is_empty() => match parse_path(text, schema)? {
                Some(path) => Some(path),
                // An extension's attribute: not kept, so nothing to do.
                None => continue,
            },
            _ => None,
        };
        let value = body::field(item, "value").cloned();
        match (op, &path, &value) {
            (Op::Remove, None, _) => {
                return Err(ScimError::bad("noTarget", "A remove operation names its path."));
            }
            (Op::Add | Op::Replace, None, Some(Value::Object(_)))
            | (Op::Add | Op::Replace, Some(_), Some(_)) => {}
            (Op::Add | Op::Replace, None, _) => {
                return Err(ScimError::invalid_value(
                    "An operation without a path has an object as its value.",
                ));
            }
            (Op::Add | Op::Replace, Some(_), None) => {
                return Err(ScimError::invalid_value("An add or replace operation has a value."));
            }
            (Op::Remove, Some(_), _) => {}
        }
        operations.push(Operation { op, path, value });
    }
    Ok(operations)
}

/// Reads `attribute[key eq "value"].sub`, without the resource's schema
/// prefix; `None` for another schema's (an extension's) attribute.
pub fn parse_path(text: &str, schema: &str) -> Result<Option<Path>, ScimError> {
    let invalid = || ScimError::bad("invalidPath", format!("Cannot read the path {text:?}."));
    let mut rest = text.trim();
    let prefix = format!("{schema}:");
    if rest.len() > prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(&prefix) {
        rest = &rest[prefix.len()..];
    } else if rest.len() > 4 && rest[..4].eq_ignore_ascii_case("urn:") {
        return Ok(None);
    }
    let (head, filter, tail) = match rest.find('[') {
        Some(open) => {
            let close = rest.rfind(']').filter(|&close| close > open).ok_or_else(invalid)?;
            (&rest[..open], Some(&rest[open + 1..close]), &rest[close + 1..])
        }
        None => (rest, None, ""),
    };
    let (attribute, sub) = match filter {
        Some(_) => {
            let sub = match tail {
                "" => None,
                tail => Some(tail.strip_prefix('.').ok_or_else(invalid)?),
            };
            (head, sub)
        }
        None => match head.split_once('.') {
            Some((attribute, sub)) => (attribute, Some(sub)),
            None => (head, None),
        },
    };
    let word =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !word(attribute) || sub.is_some_and(|s| !word(s)) {
        return Err(invalid());
    }
    let filter = filter.map(|f| value_filter(f).ok_or_else(invalid)).transpose()?;
    Ok(Some(Path {
        attribute: attribute.to_ascii_lowercase(),
        filter,
        sub: sub.map(str::to_ascii_lowercase),
    }))
}

/// `key eq "value"` (or `key eq true`) inside a path's brackets.
fn value_filter(text: &str) -> Option<(String, Value)> {
    let text = text.trim();
    let (key, rest) = text.split_once(char::is_whitespace)?;
    let (op, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if !op.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = value.trim();
    let value = match serde_json::from_str::<Value>(value).ok()? {
        value @ (Value::String(_) | Value::Bool(_) | Value::Number(_)) => value,
        _ => return None,
    };
    Some((key.to_ascii_lowercase(), value))
}

/// Whether an element of a multi-valued attribute is the one a filter names.
pub fn selects(element: &Map<String, Value>, (key, wanted): &(String, Value)) -> bool {
    match (body::field(element, key), wanted) {
        (Some(Value::String(have)), Value::String(want)) => have.eq_ignore_ascii_case(want),
        (Some(have), Value::Bool(want)) => body::boolean(have, key).is_ok_and(|b| b == *want),
        (Some(have), want) => have == want,
        (None, _) => false,
    }
}

/// Applies path-less operations key by key: `{"name.givenName": "Ann"}`
/// is the operation on `name.givenName`; a key qualified by the core
/// schema is read without it, another schema's key is ignored.
pub fn for_each_target(
    operation: &Operation,
    schema: &str,
    mut apply: impl FnMut(Op, &Path, &Value) -> Result<(), ScimError>,
) -> Result<(), ScimError> {
    visit(operation, schema, &mut apply)
}

fn visit(
    operation: &Operation,
    schema: &str,
    apply: &mut dyn FnMut(Op, &Path, &Value) -> Result<(), ScimError>,
) -> Result<(), ScimError> {
    match (&operation.path, &operation.value) {
        (Some(path), Some(value)) => apply(operation.op, path, value),
        (Some(path), None) => apply(operation.op, path, &Value::Null),
        (None, Some(Value::Object(map))) => {
            for (key, value) in map {
                if key.eq_ignore_ascii_case(schema) {
                    // `{"urn:…:User": {"userName": …}}`: the map again.
                    let inner = Operation { op: operation.op, path: None, value: Some(value.clone()) };
                    if value.is_object() {
                        visit(&inner, schema, apply)?;
                    }
                    continue;
                }
                if let Some(path) = parse_path(key, schema)? {
                    apply(operation.op, &path, value)?;
                }
            }
            Ok(())
        }
        (None, _) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const USER: &str = crate::scim::resource::USER_SCHEMA;

    fn path(text: &str) -> Option<Path> {
        parse_path(text, USER).unwrap()
    }

    #[test]
    fn paths_are_read_with_filters_sub_attributes_and_schema_prefixes() {
        assert_eq!(path("userName"), Some(Path { attribute: "username".into(), filter: None, sub: None }));
        assert_eq!(
            path("name.givenName"),
            Some(Path { attribute: "name".into(), filter: None, sub: Some("givenname".into()) })
        );
        assert_eq!(
            path(r#"emails[type eq "work"].value"#),
            Some(Path {
                attribute: "emails".into(),
                filter: Some(("type".into(), json!("work"))),
                sub: Some("value".into())
            })
        );
        assert_eq!(
            path("urn:ietf:params:scim:schemas:core:2.0:User:active"),
            Some(Path { attribute: "active".into(), filter: None, sub: None })
        );
        assert_eq!(path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"), None);
        assert!(parse_path("emails[type eq ]", USER).is_err());
        assert!(parse_path("emails[type", USER).is_err());
        assert!(parse_path("na me", USER).is_err());
    }

    #[test]
    fn entra_and_okta_operations_are_understood() {
        let entra = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                { "op": "Replace", "path": "active", "value": "False" },
                { "op": "Add", "value": { "name.givenName": "Ann", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "x" } }
            ]
        });
        let ops = operations(entra.as_object().unwrap(), USER).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].op, Op::Replace);
        let mut seen = Vec::new();
        for op in &ops {
            for_each_target(op, USER, |op, path, value| {
                seen.push((op, path.attribute.clone(), path.sub.clone(), value.clone()));
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(
            seen,
            vec![
                (Op::Replace, "active".into(), None, json!("False")),
                (Op::Add, "name".into(), Some("givenname".into()), json!("Ann")),
            ]
        );
    }

    #[test]
    fn malformed_operations_are_refused() {
        for body in [
            json!({}),
            json!({ "Operations": [] }),
            json!({ "Operations": [{ "op": "move", "path": "active", "value": true }] }),
            json!({ "Operations": [{ "op": "remove" }] }),
            json!({ "Operations": [{ "op": "add", "value": "x" }] }),
            json!({ "Operations": [{ "op": "replace", "path": "active" }] }),
        ] {
            assert!(operations(body.as_object().unwrap(), USER).is_err(), "{body}");
        }
    }
}
