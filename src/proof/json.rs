//! The JSON forms of the numbers of a certificate: integers as decimal strings (any size),
//! rationals as `"p/q"` strings, polynomials in `n` as lists of integer coefficients, lowest degree
//! first. When reading, a polynomial may also be written as an expression (`"(2n-1)^2"`) and an
//! integer as a JSON number.

use crate::poly::{parse, Poly};
use rug::{Integer, Rational};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::Deref;

/// An integer, written as a decimal string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct JsonInt(pub Integer);

/// A rational number, written `"p/q"` (or `"p"`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JsonRat(pub Rational);

/// A polynomial in `n` with integer coefficients, written as the list of its coefficients, lowest
/// degree first (`[]` is the zero polynomial).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct JsonPoly(pub Poly);

impl Deref for JsonPoly {
    type Target = Poly;
    fn deref(&self) -> &Poly {
        &self.0
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumRepr {
    Int(i64),
    Text(String),
}

fn parse_int(r: NumRepr) -> Result<Integer, String> {
    match r {
        NumRepr::Int(i) => Ok(Integer::from(i)),
        NumRepr::Text(s) => {
            Integer::from_str_radix(s.trim(), 10).map_err(|e| format!("integer {s:?}: {e}"))
        }
    }
}

impl Serialize for JsonInt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for JsonInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_int(NumRepr::deserialize(d)?)
            .map(JsonInt)
            .map_err(D::Error::custom)
    }
}

impl Serialize for JsonRat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for JsonRat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumRepr::deserialize(d)? {
            NumRepr::Int(i) => Ok(JsonRat(Rational::from(i))),
            NumRepr::Text(s) => {
                let t = s.trim();
                let r = match t.split_once('/') {
                    Some((p, q)) => {
                        let p = Integer::from_str_radix(p.trim(), 10);
                        let q = Integer::from_str_radix(q.trim(), 10);
                        match (p, q) {
                            (Ok(p), Ok(q)) if q != 0 => Ok(Rational::from((p, q))),
                            _ => Err(format!("rational {s:?}")),
                        }
                    }
                    None => Integer::from_str_radix(t, 10)
                        .map(Rational::from)
                        .map_err(|e| format!("rational {s:?}: {e}")),
                };
                r.map(JsonRat).map_err(D::Error::custom)
            }
        }
    }
}

impl Serialize for JsonPoly {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<String> = self.0.coeffs().iter().map(|c| c.to_string()).collect();
        v.serialize(s)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PolyRepr {
    List(Vec<NumRepr>),
    Expr(String),
}

impl<'de> Deserialize<'de> for JsonPoly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match PolyRepr::deserialize(d)? {
            PolyRepr::List(v) => v
                .into_iter()
                .map(parse_int)
                .collect::<Result<Vec<_>, _>>()
                .map(|c| JsonPoly(Poly::new(c)))
                .map_err(D::Error::custom),
            PolyRepr::Expr(s) => parse(&s)
                .map(JsonPoly)
                .map_err(|e| D::Error::custom(format!("polynomial {s:?}: {e}"))),
        }
    }
}
