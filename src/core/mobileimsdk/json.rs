//! A small JSON reader and writer, written here so the core keeps no
//! dependencies (a serde stack would dominate the wasm size).
//!
//! The reader accepts the full JSON grammar (RFC 8259) into [`Value`]; objects
//! keep their key order. It is depth-limited and returns [`JsonError`] for any
//! malformed input; it never panics on received bytes. The writer side is the
//! string escaper plus [`ObjectWriter`], which writes keys in the order given.

use crate::core::text::{push_hex, push_int, push_uint};
use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting the reader accepts; deeper input is an error, not a stack overflow.
pub const MAX_DEPTH: usize = 64;

/// A JSON number, kept as the exact integer when it is integral and fits an
/// `i64` (so 64-bit timestamps survive without rounding). Every field of the
/// protocol is an integer, so fractions are not kept: not converting them
/// keeps the float parser (several KB) out of the wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    /// The exact value when it is an integer in `i64` range; written with a
    /// fraction or an exponent (`5.0`, `1e3`), only below 2^53 in magnitude,
    /// where a double (JavaScript's reading) is exact.
    pub int: Option<i64>,
}

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// Members in document order; duplicate keys are kept.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object (the last one when repeated, as Gson
    /// does); `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The exact integer, if this is an integral number in `i64` range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.int,
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedChar,
    /// A number that breaks the JSON grammar.
    InvalidNumber,
    /// An unknown escape or bad `\u` digits.
    InvalidEscape,
    /// A raw control character inside a string.
    ControlCharInString,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Something follows the document.
    TrailingCharacters,
}

/// A parse error with the byte offset where it was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// What went wrong.
    pub kind: JsonErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
}

impl JsonErrorKind {
    /// The variant's name, as `Debug` shows it.
    pub fn name(self) -> &'static str {
        match self {
            JsonErrorKind::UnexpectedEnd => "UnexpectedEnd",
            JsonErrorKind::UnexpectedChar => "UnexpectedChar",
            JsonErrorKind::InvalidNumber => "InvalidNumber",
            JsonErrorKind::InvalidEscape => "InvalidEscape",
            JsonErrorKind::ControlCharInString => "ControlCharInString",
            JsonErrorKind::TooDeep => "TooDeep",
            JsonErrorKind::TrailingCharacters => "TrailingCharacters",
        }
    }
}

impl JsonError {
    /// Appends the description (what `Display` shows), without `core::fmt`.
    pub fn describe(&self, out: &mut String) {
        out.push_str("invalid JSON (");
        out.push_str(self.kind.name());
        out.push_str(") at byte ");
        push_uint(out, self.offset as u64);
    }
}

crate::core::text::display_by_describe!(JsonError);

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error(JsonErrorKind::TrailingCharacters));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            kind,
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next_byte(&mut self) -> Result<u8, JsonError> {
        let b = self
            .peek()
            .ok_or(self.error(JsonErrorKind::UnexpectedEnd))?;
        self.pos += 1;
        Ok(b)
    }

    fn expect(&mut self, wanted: u8) -> Result<(), JsonError> {
        match self.peek() {
            Some(b) if b == wanted => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error(JsonErrorKind::UnexpectedChar)),
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, JsonError> {
        for &b in word {
            self.expect(b)?;
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.error(JsonErrorKind::UnexpectedEnd)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(_) => Err(self.error(JsonErrorKind::UnexpectedChar)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.next_byte()? {
                b',' => continue,
                b']' => return Ok(Value::Array(items)),
                _ => {
                    self.pos -= 1;
                    return Err(self.error(JsonErrorKind::UnexpectedChar));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(if self.peek().is_none() {
                    JsonErrorKind::UnexpectedEnd
                } else {
                    JsonErrorKind::UnexpectedChar
                }));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.next_byte()? {
                b',' => continue,
                b'}' => return Ok(Value::Object(members)),
                _ => {
                    self.pos -= 1;
                    return Err(self.error(JsonErrorKind::UnexpectedChar));
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error(JsonErrorKind::InvalidNumber)),
        }
        let mut integral_syntax = true;
        if self.peek() == Some(b'.') {
            integral_syntax = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(JsonErrorKind::InvalidNumber));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integral_syntax = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(JsonErrorKind::InvalidNumber));
            }
        }
        Ok(Number {
            int: integer_value(&self.bytes[start..self.pos], integral_syntax),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let b = self.next_byte()?;
            let d = (b as char)
                .to_digit(16)
                .ok_or(self.error(JsonErrorKind::InvalidEscape))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// The code point of a `\u` escape whose `\u` was consumed; pairs
    /// surrogates and replaces a lone one with U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                let rest = &self.bytes[self.pos..];
                if rest.starts_with(b"\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let second = self.hex4()?;
                    if (0xDC00..=0xDFFF).contains(&second) {
                        let cp = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return Ok(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                    }
                    // Not a low surrogate: leave it to be read on its own.
                    self.pos = save;
                }
                Ok('\u{FFFD}')
            }
            0xDC00..=0xDFFF => Ok('\u{FFFD}'),
            cp => Ok(char::from_u32(cp).unwrap_or('\u{FFFD}')),
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            // Copy the run of plain bytes in one go: the input is a &str and
            // the run ends at an ASCII byte, so it is whole characters
            // (`get` checks the two ends only, and cannot panic).
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            let run = self
                .text
                .get(start..self.pos)
                .ok_or(self.error(JsonErrorKind::UnexpectedChar))?;
            out.push_str(run);
            match self.next_byte()? {
                b'"' => return Ok(out),
                b'\\' => {
                    let c = match self.next_byte()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return Err(self.error(JsonErrorKind::InvalidEscape));
                        }
                    };
                    out.push(c);
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.error(JsonErrorKind::ControlCharInString));
                }
            }
        }
    }
}

/// Appends `s` as a JSON string literal (quotes included), escaping like
/// JavaScript's `JSON.stringify`: quote, backslash and control characters.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole: every
    // character escaped is ASCII, so each run ends on a character boundary
    // (`get` checks its two ends, and cannot panic).
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        if escape.is_empty() {
            out.push_str("\\u");
            push_hex(out, u64::from(b), 4);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

/// Writes one JSON object, members in call order.
#[derive(Debug, Default)]
pub struct ObjectWriter {
    out: String,
}

impl ObjectWriter {
    /// An empty object, ready for members.
    pub fn new() -> Self {
        ObjectWriter {
            out: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        write_string(&mut self.out, key);
        self.out.push(':');
    }

    /// A string member.
    pub fn string(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        write_string(&mut self.out, value);
        self
    }

    /// A string member, `null` when absent.
    pub fn opt_string(mut self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(key, v),
            None => {
                self.key(key);
                self.out.push_str("null");
                self
            }
        }
    }

    /// A boolean member.
    pub fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// An integer member.
    pub fn int(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        push_int(&mut self.out, value);
        self
    }

    /// An integer member, `null` when absent.
    pub fn opt_int(mut self, key: &str, value: Option<i64>) -> Self {
        match value {
            Some(v) => self.int(key, v),
            None => {
                self.key(key);
                self.out.push_str("null");
                self
            }
        }
    }

    /// Closes the object and returns its text.
    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// The exact integer a number token (already checked against the grammar)
/// denotes, computed from its digits and exponent without floating point.
fn integer_value(token: &[u8], integral_syntax: bool) -> Option<i64> {
    /// 2^53: below it every integer is exact as a double.
    const EXACT: i128 = 1 << 53;
    let (negative, rest) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, token),
    };
    let (mantissa, exponent) = match rest.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b""[..]),
    };
    // Digits of the mantissa without the point, and the power of ten to apply.
    let fraction_len = mantissa
        .iter()
        .position(|&b| b == b'.')
        .map_or(0, |i| mantissa.len() - i - 1);
    let mut scale = -(fraction_len as i64);
    let (exp_negative, exp_digits) = match exponent.split_first() {
        Some((b'-', d)) => (true, d),
        Some((b'+', d)) => (false, d),
        _ => (false, exponent),
    };
    let mut exp: i64 = 0;
    for &d in exp_digits {
        exp = (exp * 10 + i64::from(d - b'0')).min(1 << 40);
    }
    scale += if exp_negative { -exp } else { exp };
    let mut digits: Vec<u8> = mantissa
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
        scale += 1;
    }
    let mut value: i128 = 0;
    for &d in digits.iter().skip_while(|&&d| d == b'0') {
        value = value.checked_mul(10)? + i128::from(d - b'0');
        if value > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    if value != 0 {
        if scale < 0 {
            return None; // a fraction
        }
        for _ in 0..scale {
            value = value
                .checked_mul(10)
                .filter(|v| *v <= i128::from(i64::MAX) + 1)?;
        }
    }
    let value = if negative { -value } else { value };
    if !integral_syntax && value.abs() >= EXACT {
        return None;
    }
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn parses_the_full_grammar_and_keeps_key_order() {
        let v = parse(r#" { "b" : [1, -2.5, 3e2, true, false, null], "a": {"x": "y"} } "#).unwrap();
        let Value::Object(members) = &v else {
            panic!("not an object")
        };
        assert_eq!(members[0].0, "b");
        assert_eq!(members[1].0, "a");
        let Some(Value::Array(items)) = v.get("b") else {
            panic!("no array")
        };
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[1], Value::Number(Number { int: None }));
        assert_eq!(items[2].as_i64(), Some(300));
        assert_eq!(items[3], Value::Bool(true));
        assert_eq!(items[5], Value::Null);
        assert_eq!(
            v.get("a").and_then(|a| a.get("x")),
            Some(&Value::String("y".into()))
        );
    }

    #[test]
    fn large_integers_are_exact() {
        assert_eq!(
            parse("9223372036854775807").unwrap().as_i64(),
            Some(i64::MAX)
        );
        assert_eq!(
            parse("-9223372036854775808").unwrap().as_i64(),
            Some(i64::MIN)
        );
        assert_eq!(
            parse("1700000000123").unwrap().as_i64(),
            Some(1_700_000_000_123)
        );
        assert_eq!(parse("9223372036854775808").unwrap().as_i64(), None);
        assert_eq!(parse("1.5").unwrap().as_i64(), None);
        assert_eq!(parse("-0").unwrap().as_i64(), Some(0));
    }

    /// The integer a number denotes, the way the reader defined it when it
    /// parsed doubles: exact `i64` for integer syntax, else the double when it
    /// is integral and below 2^53.
    fn integer_by_double(text: &str) -> Option<i64> {
        if !text.contains(['.', 'e', 'E']) {
            return text.parse::<i64>().ok();
        }
        let f: f64 = text.parse().unwrap();
        (f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15).then_some(f as i64)
    }

    #[test]
    fn fractions_and_exponents_agree_with_reading_a_double() {
        let cases = [
            "5.0",
            "-5.00",
            "1e3",
            "1E+3",
            "1.5e1",
            "12.30e1",
            "0.0",
            "-0.0",
            "0e99999999999999",
            "1e-1",
            "10e-1",
            "100e-2",
            "123e-2",
            "0.5",
            "1e15",
            "1e16",
            "9007199254740991.0",
            "9007199254740992.0",
            "-9007199254740991e0",
            "1e400",
            "0.000001e6",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "2.5e-3",
            "7e+0",
        ];
        for text in cases {
            let want = integer_by_double(text);
            assert_eq!(parse(text).unwrap().as_i64(), want, "{text}");
        }
        // Every mantissa/exponent pairing of a few digit strings.
        for m in ["0", "1", "25", "3.5", "4.25", "9007199254740991", "100.000"] {
            for e in -4..=20 {
                let text = format!("{m}e{e}");
                assert_eq!(
                    parse(&text).unwrap().as_i64(),
                    integer_by_double(&text),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn escapes_and_surrogates() {
        let v = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"\\/\u{8}\u{c}\n\r\té😀"));
        assert_eq!(parse(r#""\ud83d""#).unwrap().as_str(), Some("\u{FFFD}"));
        assert_eq!(parse(r#""\ude00x""#).unwrap().as_str(), Some("\u{FFFD}x"));
        assert_eq!(
            parse(r#""\ud83d\u0041""#).unwrap().as_str(),
            Some("\u{FFFD}A")
        );
        assert_eq!(parse("\"中文\"").unwrap().as_str(), Some("中文"));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "{\"a\":}",
            "{\"a\" 1}",
            "{a:1}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"abc",
            "\"\\x\"",
            "\"\\u12g4\"",
            "\"a\nb\"",
            "[1 2]",
            "{} {}",
            "{\"a\":1,}",
            "NaN",
            "'a'",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn depth_is_limited() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).unwrap_err().kind, JsonErrorKind::TooDeep);
        let very_deep = "{\"a\":".repeat(100_000);
        assert!(parse(&very_deep).is_err());
    }

    #[test]
    fn writer_escapes_like_json_stringify() {
        assert_eq!(quote("a\"b\\c\nd\u{1}é/<"), r#""a\"b\\c\nd\u0001é/<""#);
        let text = ObjectWriter::new()
            .string("s", "x")
            .opt_string("n", None)
            .bool("b", true)
            .int("i", -1)
            .opt_int("t", None)
            .finish();
        assert_eq!(text, r#"{"s":"x","n":null,"b":true,"i":-1,"t":null}"#);
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    /// `JSON.stringify`'s escaping, one character at a time (the oracle of the writer's run copying).
    fn stringify_by_char(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{C}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 => {
                    out.push_str("\\u");
                    push_hex(&mut out, u64::from(c as u32), 4);
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn escapes_next_to_multibyte_characters_match_stringify() {
        let mut rng = Rng::new(5);
        let alphabet = [
            '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{C}', '\u{1}', '\u{1f}', 'a', '/', 'é', '中',
            '😀',
        ];
        for _ in 0..5_000 {
            let s: String = (0..rng.up_to(12))
                .map(|_| alphabet[rng.up_to(alphabet.len() as u64 - 1) as usize])
                .collect();
            assert_eq!(quote(&s), stringify_by_char(&s), "{s:?}");
            assert_eq!(parse(&quote(&s)).unwrap().as_str(), Some(s.as_str()));
        }
    }

    #[test]
    fn written_strings_read_back() {
        let mut rng = Rng::new(11);
        for _ in 0..500 {
            let s: String = (0..rng.up_to(20))
                .filter_map(|_| char::from_u32(rng.up_to(0x1_0000) as u32))
                .collect();
            let v = parse(&quote(&s)).unwrap();
            assert_eq!(v.as_str(), Some(s.as_str()));
        }
        assert_eq!(
            parse(&ObjectWriter::new().string("k", "v").finish()).unwrap(),
            obj(vec![("k", Value::String("v".into()))])
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng::new(3);
        let alphabet = b"{}[]\",:\\u0123456789abcdefntrl-+.eE \n\xff";
        for _ in 0..20_000 {
            let len = rng.up_to(40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.up_to(alphabet.len() as u64 - 1) as usize])
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse(&text);
            // Mutations of a valid document, too.
            let mut doc = br#"{"a":[1,2.5,"x\u00e9"],"b":{"c":null}}"#.to_vec();
            let at = rng.up_to(doc.len() as u64 - 1) as usize;
            doc[at] = alphabet[rng.up_to(alphabet.len() as u64 - 1) as usize];
            let _ = parse(&String::from_utf8_lossy(&doc));
        }
    }
}
