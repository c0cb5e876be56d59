//! SCIM filters (RFC 7644 §3.4.2.2), parsed into the attributes Roster
//! keeps: `userName eq "a@b.example" and active eq true`,
//! `emails[type eq "work" and value co "@b.example"]`, `not (…)`. The
//! store turns a [`Filter`] into SQL; the three role groups are filtered
//! in memory with [`Filter::matches`].

use std::fmt;

/// An attribute a filter may name, resolved from its SCIM path (any case,
/// with or without the schema URN).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Id,
    /// A user's `userName`: the identity provider's name for them, by
    /// default their address.
    UserName,
    /// `emails.value`: the sign-in address.
    Email,
    /// A user's `displayName` or `name.formatted`; a group's `displayName`.
    DisplayName,
    ExternalId,
    Active,
    /// `emails.type`: Roster keeps one address, of type `work`.
    EmailType,
    /// `emails.primary`: that one address is primary.
    EmailPrimary,
}

/// The comparison operators of RFC 7644 §3.4.2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Bool(bool),
    Number(f64),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare(Attribute, Operator, Value),
    Present(Attribute),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

/// Which resource a filter is about: the attributes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    User,
    Group,
}

/// Why a filter was refused: SCIM's `invalidFilter`, with a detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(pub String);

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FilterError {}

/// Longer filters than this are refused before parsing: identity providers
/// send a clause or two.
const MAX_FILTER_LEN: usize = 2_000;
/// And nesting deeper than this.
const MAX_DEPTH: usize = 16;

impl Filter {
    pub fn parse(text: &str, resource: Resource) -> Result<Filter, FilterError> {
        if text.len() > MAX_FILTER_LEN {
            return Err(FilterError(format!("The filter is longer than {MAX_FILTER_LEN} characters.")));
        }
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, at: 0, resource, depth: 0 };
        let filter = parser.or(None)?;
        match parser.peek() {
            None => Ok(filter),
            Some(token) => Err(FilterError(format!("Unexpected {token} in the filter."))),
        }
    }

    /// Whether a resource whose attributes `get` reads passes the filter.
    /// An attribute `get` answers `None` for is absent.
    pub fn matches(&self, get: &impl Fn(Attribute) -> Option<Value>) -> bool {
        match self {
            Filter::And(a, b) => a.matches(get) && b.matches(get),
            Filter::Or(a, b) => a.matches(get) || b.matches(get),
            Filter::Not(a) => !a.matches(get),
            Filter::Present(attribute) => get(*attribute).is_some_and(|v| v != Value::Null),
            Filter::Compare(attribute, operator, expected) => {
                let Some(actual) = get(*attribute) else { return *operator == Operator::Ne };
                compare(&actual, *operator, expected, case_exact(*attribute))
            }
        }
    }
}

/// Whether an attribute's text compares with case (RFC 7643 `caseExact`).
pub fn case_exact(attribute: Attribute) -> bool {
    matches!(attribute, Attribute::Id | Attribute::ExternalId)
}

fn compare(actual: &Value, operator: Operator, expected: &Value, case_exact: bool) -> bool {
    use Operator::*;
    match (actual, expected) {
        (Value::Text(a), Value::Text(e)) => {
            let (a, e) =
                if case_exact { (a.clone(), e.clone()) } else { (a.to_lowercase(), e.to_lowercase()) };
            match operator {
                Eq => a == e,
                Ne => a != e,
                Co => a.contains(&e),
                Sw => a.starts_with(&e),
                Ew => a.ends_with(&e),
                Gt => a > e,
                Ge => a >= e,
                Lt => a < e,
                Le => a <= e,
            }
        }
        (Value::Bool(a), Value::Bool(e)) => match operator {
            Eq => a == e,
            Ne => a != e,
            _ => false,
        },
        (_, Value::Null) => match operator {
            Eq => *actual == Value::Null,
            Ne => *actual != Value::Null,
            _ => false,
        },
        _ => operator == Ne,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(word) => write!(f, "'{word}'"),
            Token::Text(text) => write!(f, "\"{text}\""),
            Token::Open => f.write_str("'('"),
            Token::Close => f.write_str("')'"),
            Token::OpenBracket => f.write_str("'['"),
            Token::CloseBracket => f.write_str("']'"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                // A JSON string: find its closing quote, then let serde
                // decode the escapes.
                chars.next();
                let mut escaped = false;
                let mut end = None;
                for (i, c) in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end =
                    end.ok_or_else(|| FilterError("A string in the filter has no closing quote.".into()))?;
                let value: String = serde_json::from_str(&text[start..=end])
                    .map_err(|_| FilterError("A string in the filter is not valid JSON.".into()))?;
                tokens.push(Token::Text(value));
            }
            _ => {
                let mut end = text.len();
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || "()[]\"".contains(c) {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(text[start..end].to_owned()));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    resource: Resource,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    /// `a or b or …`; `within` is the multi-valued attribute of a `[…]`.
    fn or(&mut self, within: Option<&str>) -> Result<Filter, FilterError> {
        let mut filter = self.and(within)?;
        while self.keyword("or") {
            self.next();
            filter = Filter::Or(Box::new(filter), Box::new(self.and(within)?));
        }
        Ok(filter)
    }

    fn and(&mut self, within: Option<&str>) -> Result<Filter, FilterError> {
        let mut filter = self.unary(within)?;
        while self.keyword("and") {
            self.next();
            filter = Filter::And(Box::new(filter), Box::new(self.unary(within)?));
        }
        Ok(filter)
    }

    fn unary(&mut self, within: Option<&str>) -> Result<Filter, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError("The filter is nested too deeply.".into()));
        }
        let filter = self.unary_inner(within);
        self.depth -= 1;
        filter
    }

    fn unary_inner(&mut self, within: Option<&str>) -> Result<Filter, FilterError> {
        if self.keyword("not") {
            self.next();
            if self.peek() != Some(&Token::Open) {
                return Err(FilterError("'not' must be followed by a parenthesised filter.".into()));
            }
            return Ok(Filter::Not(Box::new(self.unary(within)?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let filter = self.or(within)?;
                match self.next() {
                    Some(Token::Close) => Ok(filter),
                    _ => Err(FilterError("A '(' in the filter is not closed.".into())),
                }
            }
            Some(Token::Word(path)) => {
                if self.peek() == Some(&Token::OpenBracket) {
                    if within.is_some() {
                        return Err(FilterError("Value filters cannot be nested.".into()));
                    }
                    self.next();
                    let filter = self.or(Some(&path))?;
                    if self.next() != Some(Token::CloseBracket) {
                        return Err(FilterError("A '[' in the filter is not closed.".into()));
                    }
                    // Entra sends `emails[type eq "work"].value eq "x"`, outside
                    // the RFC's grammar; it means both conditions.
                    if let Some(Token::Word(sub)) = self.peek().cloned()
                        && let Some(sub) = sub.strip_prefix('.')
                    {
                        self.next();
                        let comparison = self.comparison(format!("{path}.{sub}"))?;
                        return Ok(Filter::And(Box::new(filter), Box::new(comparison)));
                    }
                    return Ok(filter);
                }
                let name = match within {
                    Some(parent) => format!("{parent}.{path}"),
                    None => path,
                };
                self.comparison(name)
            }
            Some(token) => Err(FilterError(format!("Unexpected {token} in the filter."))),
            None => Err(FilterError("The filter ends too early.".into())),
        }
    }

    /// `name op value` or `name pr`, the attribute already read.
    fn comparison(&mut self, name: String) -> Result<Filter, FilterError> {
        let attribute = resolve(&name, self.resource)?;
        let operator = match self.next() {
            Some(Token::Word(op)) => op,
            _ => return Err(FilterError(format!("An operator must follow '{name}'."))),
        };
        if operator.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(attribute));
        }
        let operator = operator_named(&operator)?;
        let value = match self.next() {
            Some(Token::Text(text)) => Value::Text(text),
            Some(Token::Word(word)) => literal(&word)?,
            _ => return Err(FilterError(format!("A value must follow '{name}'."))),
        };
        Ok(Filter::Compare(attribute, operator, value))
    }
}

fn operator_named(name: &str) -> Result<Operator, FilterError> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "eq" => Operator::Eq,
        "ne" => Operator::Ne,
        "co" => Operator::Co,
        "sw" => Operator::Sw,
        "ew" => Operator::Ew,
        "gt" => Operator::Gt,
        "ge" => Operator::Ge,
        "lt" => Operator::Lt,
        "le" => Operator::Le,
        _ => return Err(FilterError(format!("'{name}' is not a filter operator."))),
    })
}

fn literal(word: &str) -> Result<Value, FilterError> {
    match word.to_ascii_lowercase().as_str() {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "null" => Ok(Value::Null),
        _ => word
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number)
            .ok_or_else(|| FilterError(format!("'{word}' is not a value: quote strings."))),
    }
}

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:user:";
const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:group:";

/// The attribute a path names, for `resource`.
fn resolve(path: &str, resource: Resource) -> Result<Attribute, FilterError> {
    let lower = path.to_ascii_lowercase();
    let schema = match resource {
        Resource::User => USER_SCHEMA,
        Resource::Group => GROUP_SCHEMA,
    };
    let name = lower.strip_prefix(schema).unwrap_or(&lower);
    let attribute = match (resource, name) {
        (_, "id") => Attribute::Id,
        (_, "externalid") => Attribute::ExternalId,
        (_, "displayname") => Attribute::DisplayName,
        (Resource::User, "username") => Attribute::UserName,
        (Resource::User, "emails" | "emails.value") => Attribute::Email,
        (Resource::User, "name.formatted") => Attribute::DisplayName,
        (Resource::User, "active") => Attribute::Active,
        (Resource::User, "emails.type") => Attribute::EmailType,
        (Resource::User, "emails.primary") => Attribute::EmailPrimary,
        _ => return Err(FilterError(format!("Filtering on '{path}' is not supported."))),
    };
    Ok(attribute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Result<Filter, FilterError> {
        Filter::parse(text, Resource::User)
    }

    fn eq(attribute: Attribute, text: &str) -> Filter {
        Filter::Compare(attribute, Operator::Eq, Value::Text(text.into()))
    }

    #[test]
    fn the_filters_identity_providers_send_parse() {
        assert_eq!(user(r#"userName eq "Ann@Example.com""#), Ok(eq(Attribute::UserName, "Ann@Example.com")));
        assert_eq!(user(r#"externalId eq "00u1""#), Ok(eq(Attribute::ExternalId, "00u1")));
        assert_eq!(
            user(r#"emails[type eq "work" and value eq "a@b.c"]"#),
            Ok(Filter::And(
                Box::new(eq(Attribute::EmailType, "work")),
                Box::new(eq(Attribute::Email, "a@b.c"))
            ))
        );
        assert_eq!(
            user(r#"emails[type eq "work"].value eq "a@b.c""#),
            Ok(Filter::And(
                Box::new(eq(Attribute::EmailType, "work")),
                Box::new(eq(Attribute::Email, "a@b.c"))
            ))
        );
        assert_eq!(
            user(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName EQ "x""#),
            Ok(eq(Attribute::UserName, "x"))
        );
        assert_eq!(
            Filter::parse(r#"displayName eq "Admins""#, Resource::Group),
            Ok(eq(Attribute::DisplayName, "Admins"))
        );
    }

    #[test]
    fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
        let parsed = user(r#"userName sw "a" or userName co "b" and not (active eq false)"#).unwrap();
        let expected = Filter::Or(
            Box::new(Filter::Compare(Attribute::UserName, Operator::Sw, Value::Text("a".into()))),
            Box::new(Filter::And(
                Box::new(Filter::Compare(Attribute::UserName, Operator::Co, Value::Text("b".into()))),
                Box::new(Filter::Not(Box::new(Filter::Compare(
                    Attribute::Active,
                    Operator::Eq,
                    Value::Bool(false),
                )))),
            )),
        );
        assert_eq!(parsed, expected);
        assert_eq!(user("active pr"), Ok(Filter::Present(Attribute::Active)));
    }

    #[test]
    fn malformed_filters_say_what_is_wrong() {
        for (text, detail) in [
            (r#"userName eq "x"#, "no closing quote"),
            ("userName eq x", "not a value"),
            (r#"userName like "x""#, "not a filter operator"),
            (r#"password eq "x""#, "not supported"),
            (r#"(userName eq "x""#, "not closed"),
            (r#"userName eq "x" )"#, "Unexpected"),
            ("", "ends too early"),
            (r#"emails[value eq "x""#, "not closed"),
        ] {
            let error = user(text).unwrap_err();
            assert!(error.0.contains(detail), "{text}: {error}");
        }
        assert!(user(&"(".repeat(40)).is_err());
        assert!(user(&"a".repeat(3_000)).is_err());
    }

    #[test]
    fn matching_follows_case_exactness() {
        let get = |attribute| match attribute {
            Attribute::DisplayName => Some(Value::Text("Admins".into())),
            Attribute::ExternalId => Some(Value::Text("G1".into())),
            _ => None,
        };
        let group = |text| Filter::parse(text, Resource::Group).unwrap();
        assert!(group(r#"displayName eq "admins""#).matches(&get));
        assert!(!group(r#"externalId eq "g1""#).matches(&get));
        assert!(group(r#"externalId eq "G1""#).matches(&get));
        assert!(!group("id pr").matches(&get));
        assert!(group(r#"not (displayName sw "x")"#).matches(&get));
    }
}
