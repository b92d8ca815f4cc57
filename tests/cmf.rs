//! Conservative matrix fields against `tests/fixtures/cmf_vectors.json`: conservation of every
//! listed field, walk values and digits, honest limits, path independence, trajectory → PCF, δ,
//! error reporting, and the `apery cmf` command line.

use apery::cmf::to_pcf::{trajectory_matrix, trajectory_to_pcf};
use apery::cmf::walk::{WalkError, Walker};
use apery::cmf::{bundled, load, Cmf, CmfError, CmfSpec};
use apery::constants;
use apery::pcf::limit::{evaluate, log10_abs, EvalOptions};
use apery::poly::ratfun::{RatFun, Scope};
use apery::poly::{parse, Poly};
use common::cmf_vectors;
use rug::{Float, Rational};
use serde_json::Value;

mod common;

const PREC: u32 = 2400; // ≈ 720 digits

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<String>> {
    v.as_array().unwrap().iter().map(strs).collect()
}

/// A field file (TOML) written from the vectors' own strings, parameters symbolic.
fn toml_field(
    name: &str,
    axes: &[String],
    mats: &[Vec<Vec<String>>],
    defs: &[(String, String)],
    params: &[String],
) -> String {
    let mut t = toml::Table::new();
    t.insert("name".into(), name.into());
    t.insert("axes".into(), axes.to_vec().into());
    let defs: Vec<toml::Value> = defs
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()].into())
        .collect();
    t.insert("definitions".into(), defs.into());
    let mut p = toml::Table::new();
    for k in params {
        p.insert(k.clone(), "symbolic".into());
    }
    t.insert("parameters".into(), p.into());
    let mut m = toml::Table::new();
    for (a, mat) in axes.iter().zip(mats) {
        m.insert(a.clone(), mat.clone().into());
    }
    t.insert("matrices".into(), m.into());
    toml::to_string(&t).unwrap()
}

/// Every field of `cmfs` built from the vectors' strings (symbolic parameters).
fn vector_fields() -> Vec<(String, CmfSpec)> {
    let mut out = Vec::new();
    for c in cmf_vectors()["cmfs"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let axes = strs(&c["axes"]);
        let params = c.get("parameters").map(strs).unwrap_or_default();
        let mut defs: Vec<(String, String)> = Vec::new();
        let mats: Vec<Vec<Vec<String>>> = if let Some(am) = c.get("axis_matrices") {
            // 3F2: scalar definitions of M, then I + M/x_i and I − M/(y_i + 1)
            let d = &c["definitions"];
            for k in ["Sx", "Tx", "Px", "Sy", "Ty"] {
                defs.push((k.into(), d[k].as_str().unwrap().into()));
            }
            let m = matrix(&d["M"]);
            for (i, row) in m.iter().enumerate() {
                for (j, e) in row.iter().enumerate() {
                    defs.push((format!("m{i}{j}"), e.clone()));
                }
            }
            assert_eq!(am["x_i"], "M/x_i + I");
            assert_eq!(am["y_i"], "-M/(y_i + 1) + I");
            axes.iter()
                .map(|a| {
                    (0..3)
                        .map(|i| {
                            (0..3)
                                .map(|j| {
                                    let id = if i == j { "1" } else { "0" };
                                    if a.starts_with('x') {
                                        format!("m{i}{j}/{a} + {id}")
                                    } else {
                                        format!("-m{i}{j}/({a} + 1) + {id}")
                                    }
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect()
        } else {
            if let Some(d) = c.get("definitions") {
                for k in ["Y", "b", "a", "F", "G"] {
                    defs.push((k.into(), d[k].as_str().unwrap().into()));
                }
            }
            axes.iter().map(|a| matrix(&c[format!("M{a}")])).collect()
        };
        let text = toml_field(name, &axes, &mats, &defs, &params);
        out.push((
            name.to_string(),
            CmfSpec::parse(&text, name).expect("vector field parses"),
        ));
    }
    out
}

/// The f, f̄ pairs as fields `Mx = [[0, b], [1, a]]`, `My = [[f̄, b], [1, f]]`.
fn ffbar_fields() -> Vec<(Value, CmfSpec)> {
    let mut out = Vec::new();
    for p in cmf_vectors()["ffbar"]["pairs"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let params = p.get("parameters").map(strs).unwrap_or_default();
        let axes = vec!["x".to_string(), "y".to_string()];
        // the specialised cmf1 pairs state only f and f̄: a and b follow from the construction
        let (a, b) = match (p.get("a(x,y)"), p.get("b(x)")) {
            (Some(a), Some(b)) => (a.as_str().unwrap().into(), b.as_str().unwrap().into()),
            _ => ("A_FROM_F".to_string(), "B_FROM_F".to_string()),
        };
        let defs = vec![
            ("f".to_string(), p["f"].as_str().unwrap().to_string()),
            ("fbar".to_string(), p["fbar"].as_str().unwrap().to_string()),
        ];
        let (defs, a, b) = if a == "A_FROM_F" {
            let (a2, b2) = ab_from_ffbar(p["f"].as_str().unwrap(), p["fbar"].as_str().unwrap());
            (defs, a2, b2)
        } else {
            (defs, a, b)
        };
        let mut defs = defs;
        defs.push(("aa".into(), a));
        defs.push(("bb".into(), b));
        let mats = vec![
            vec![
                vec!["0".to_string(), "bb".into()],
                vec!["1".into(), "aa".into()],
            ],
            vec![
                vec!["fbar".to_string(), "bb".into()],
                vec!["1".into(), "f".into()],
            ],
        ];
        let text = toml_field(name, &axes, &mats, &defs, &params);
        out.push((p.clone(), CmfSpec::parse(&text, name).unwrap()));
    }
    out
}

/// `a(x, y) = f(x, y) − f̄(x+1, y)` and `b(x) = (f f̄)(x, 0) − (f f̄)(0, 0)` as text.
fn ab_from_ffbar(f: &str, fbar: &str) -> (String, String) {
    let names = vec!["x".to_string(), "y".to_string()];
    let s = Scope::new(&names);
    let f = s.parse(f).unwrap();
    let fb = s.parse(fbar).unwrap();
    let a = &f - &fb.shift(0, &Rational::from(1));
    let ff = &f * &fb;
    let zero = apery::poly::multi::MPoly::constant(2, 0);
    let x = apery::poly::multi::MPoly::var(2, 0);
    let ff_x0 = ff.compose(&[x, zero.clone()]).unwrap();
    let ff_00 = ff.compose(&[zero.clone(), zero]).unwrap();
    (a.display(&names), (&ff_x0 - &ff_00).display(&names))
}

fn constant(expr: &str) -> Float {
    constants::evaluate(expr, PREC).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn fvalue(r: &Rational) -> Float {
    Float::with_val(PREC, r)
}

/// `−log10 |x − y|`.
fn agreement(x: &Float, y: &Float) -> f64 {
    -log10_abs(&Float::with_val(PREC, x - y))
}

fn traj(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn bundled_field(name: &str) -> Cmf {
    load(name).unwrap().build(&[]).unwrap()
}

#[test]
fn every_vector_field_is_conservative() {
    let fields = vector_fields();
    assert_eq!(fields.len(), 7);
    for (name, spec) in &fields {
        let cmf = spec
            .build_symbolic()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(cmf.dim() >= 2, "{name}");
    }
    let three = fields
        .iter()
        .find(|(n, _)| n == "hypergeometric_derived_3F2")
        .unwrap();
    let cmf = three.1.build_symbolic().unwrap();
    assert_eq!((cmf.dim(), cmf.rank(), cmf.params.len()), (5, 3, 1));
}

#[test]
fn every_ffbar_pair_satisfies_both_conditions_and_is_conservative() {
    let names = vec!["x".to_string(), "y".to_string()];
    for (p, spec) in ffbar_fields() {
        let name = p["name"].as_str().unwrap();
        let cmf = spec
            .build_symbolic()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // the linear and quadratic conditions, checked directly
        let mut vars = names.clone();
        vars.extend(cmf.params.clone());
        let s = Scope::new(&vars);
        let f = s.parse(p["f"].as_str().unwrap()).unwrap();
        let fb = s.parse(p["fbar"].as_str().unwrap()).unwrap();
        let one = Rational::from(1);
        let m1 = Rational::from(-1);
        let lhs = &f - &fb.shift(0, &one);
        let rhs = &f.shift(0, &one).shift(1, &m1) - &fb.shift(1, &m1);
        assert!(lhs.same_as(&rhs), "{name}: linear condition");
        if let Some(a) = p.get("a(x,y)") {
            assert!(
                lhs.same_as(&s.parse(a.as_str().unwrap()).unwrap()),
                "{name}: a"
            );
        }
        let ff = &f * &fb;
        let at = |xv: Option<i64>, yv: Option<i64>| -> RatFun {
            let n = vars.len();
            let imgs: Vec<_> = (0..n)
                .map(|i| match (i, xv, yv) {
                    (0, Some(v), _) | (1, _, Some(v)) => apery::poly::multi::MPoly::constant(n, v),
                    _ => apery::poly::multi::MPoly::var(n, i),
                })
                .collect();
            ff.compose(&imgs).unwrap()
        };
        let quad =
            &(&(&at(None, None) - &at(None, Some(0))) - &at(Some(0), None)) + &at(Some(0), Some(0));
        assert!(quad.is_zero(), "{name}: quadratic condition");
        if let Some(b) = p.get("b(x)") {
            let bx = &at(None, Some(0)) - &at(Some(0), Some(0));
            assert!(
                bx.same_as(&s.parse(b.as_str().unwrap()).unwrap()),
                "{name}: b"
            );
        }
    }
}

#[test]
fn bundled_fields_equal_the_cmf_vectors() {
    let vf = vector_fields();
    let pairs = [
        ("e", "e"),
        ("pi", "pi"),
        ("zeta3", "zeta3"),
        ("symmetric_pi", "symmetric_pi"),
        ("var_root", "var_root_cmf"),
        ("hypergeometric_2f1", "hypergeometric_derived_2F1"),
        ("hypergeometric_3f2", "hypergeometric_derived_3F2"),
    ];
    for (b, v) in pairs {
        let ours = load(b).unwrap().build_symbolic().unwrap();
        let theirs = vf
            .iter()
            .find(|(n, _)| n == v)
            .unwrap()
            .1
            .build_symbolic()
            .unwrap();
        assert_eq!(ours.vars(), theirs.vars(), "{b}");
        for (m1, m2) in ours.matrices.iter().zip(&theirs.matrices) {
            for (e1, e2) in m1.entries().iter().zip(m2.entries()) {
                assert!(e1.same_as(e2), "{b}");
            }
        }
    }
    // every bundled field loads, is conservative at its defaults and for symbolic parameters
    let all = bundled();
    assert!(all.len() >= 14);
    for spec in &all {
        spec.build(&[]).unwrap_or_else(|e| panic!("{e}"));
        spec.build_symbolic().unwrap_or_else(|e| panic!("{e}"));
    }
}

/// `(name, cmf, walks, limit expression)` for every vector field with walks.
fn walk_cases() -> Vec<(String, Cmf, Vec<Value>, Option<String>)> {
    let mut out = Vec::new();
    for c in cmf_vectors()["cmfs"].as_array().unwrap() {
        let Some(w) = c.get("walks") else { continue };
        let name = c["name"].as_str().unwrap();
        let limit = c
            .get("limit_value_30")
            .map(|_| c["limit"].as_str().unwrap().to_string());
        out.push((
            name.into(),
            bundled_field(name),
            w.as_array().unwrap().clone(),
            limit,
        ));
    }
    for (p, spec) in ffbar_fields() {
        let Some(w) = p.get("walks") else { continue };
        let cmf = spec
            .build(&[])
            .unwrap_or_else(|e| panic!("{}: {e}", p["name"]));
        let limit = p["limit"].as_str().unwrap().to_string();
        out.push((
            p["name"].as_str().unwrap().into(),
            cmf,
            w.as_array().unwrap().clone(),
            Some(limit),
        ));
    }
    out
}

#[test]
fn walks_reproduce_the_stated_values_and_digits() {
    let cases = walk_cases();
    assert!(cases.len() >= 9, "{}", cases.len());
    let mut checked_digits = 0;
    for (name, cmf, walks, limit) in cases {
        let walker = Walker::new(&cmf).unwrap();
        let l = limit.as_deref().map(constant);
        for w in walks {
            let (t, s) = (traj(&w["trajectory"]), traj(&w["start"]));
            let n = w["N"].as_u64().unwrap() as usize;
            let walk = walker.walk(&t, &s, n).unwrap();
            let x = fvalue(&walk.p.value().unwrap());
            let key = if w.get("walk_value_30").is_some() {
                "walk_value_30"
            } else {
                "walk_value_40"
            };
            // the stated value is rounded to its last decimal: agreement to all of its decimals
            let text = w[key].as_str().unwrap();
            let decimals = text.split_once('.').unwrap().1.len();
            assert!(decimals >= 29);
            let stated = Float::with_val(PREC, Float::parse(text).unwrap());
            assert!(
                agreement(&x, &stated) >= decimals as f64,
                "{name} {t:?} N={n}: {} vs {}",
                x.to_string_radix(10, Some(40)),
                stated
            );
            let Some(l) = &l else { continue };
            let digits = agreement(&x, l);
            match &w["digits"] {
                Value::Number(d) => {
                    let d = d.as_f64().unwrap();
                    assert!(
                        (digits - d).abs() < 0.06,
                        "{name} {t:?} N={n}: {digits} vs {d}"
                    );
                    checked_digits += 1;
                }
                Value::String(s) => {
                    assert!(s.starts_with(">= 600"));
                    assert!(digits >= 600.0, "{name} {t:?} N={n}: {digits}");
                }
                _ => {}
            }
        }
    }
    assert!(checked_digits >= 15, "{checked_digits}");
}

#[test]
fn cmf1_family_limits_follow_the_parameters() {
    // -a + b/ln(1 + b/a) for (a, b) = (2, 3) and (1, 2)
    let spec = load("cmf1").unwrap();
    for (a, b, limit, digits50) in [
        (2, 3, "-2 + 3/log(5/2)", 64.693),
        (1, 2, "-1 + 2/log(3)", 57.316),
    ] {
        let cmf = spec
            .build(&[
                ("a".into(), Rational::from(a)),
                ("b".into(), Rational::from(b)),
            ])
            .unwrap();
        let own = constant(cmf.limit.as_deref().unwrap());
        assert!(agreement(&own, &constant(limit)) > 600.0);
        let walk = Walker::new(&cmf)
            .unwrap()
            .walk(&[1, 1], &[1, 1], 50)
            .unwrap();
        let d = agreement(&fvalue(&walk.p.value().unwrap()), &own);
        assert!((d - digits50).abs() < 0.06, "({a}, {b}): {d}");
    }
    // a limit that does not mention the parameters is dropped when they change
    let z2 = load("cmf2")
        .unwrap()
        .build(&[("c3".into(), Rational::from(2))])
        .unwrap();
    assert!(z2.limit.is_none());
}

#[test]
fn limits_report_only_certain_digits() {
    for (name, t, s, want) in [
        ("zeta3", vec![1, 1], vec![1, 1], 200),
        ("e", vec![1, 1], vec![0, 0], 300),
        ("pi", vec![1, 1], vec![1, 0], 150),
        ("zeta2", vec![2, 1], vec![1, 1], 200),
        ("cmf1", vec![1, 1], vec![1, 1], 120),
    ] {
        let cmf = bundled_field(name);
        let l = constant(cmf.limit.as_deref().unwrap());
        let lim = Walker::new(&cmf)
            .unwrap()
            .limit(
                &t,
                &s,
                &apery::cmf::walk::WalkOptions {
                    digits: want,
                    start_depth: 8,
                    max_depth: 4096,
                },
            )
            .unwrap();
        let actual = agreement(&fvalue(&lim.exact), &l);
        assert!(lim.digits >= want as f64, "{name}: {}", lim.digits);
        assert!(
            lim.digits <= actual,
            "{name}: claimed {} of {actual}",
            lim.digits
        );
        assert!(lim.geometric, "{name}");
    }
    // the slow axis direction of zeta3 (~1/n²): 6.46 true digits at N = 1000, never over-claimed
    let cmf = bundled_field("zeta3");
    let lim = Walker::new(&cmf)
        .unwrap()
        .limit_at_depth(&[1, 0], &[1, 1], 1000)
        .unwrap();
    let actual = agreement(&fvalue(&lim.exact), &constant("(1 - zeta(3))/zeta(3)"));
    assert!((actual - 6.4622).abs() < 0.01, "{actual}");
    assert!(lim.digits <= actual, "claimed {} of {actual}", lim.digits);
    assert!(lim.digits >= 4.0, "{}", lim.digits);
    assert!(!lim.geometric);
    // other slow (axis) directions: whatever is claimed is true
    for (name, t, s) in [
        ("zeta2", [1, 0], [1, 1]),
        ("cmf1", [0, 1], [1, 1]),
        ("pi", [1, 0], [1, 0]),
    ] {
        let cmf = bundled_field(name);
        let lim = Walker::new(&cmf)
            .unwrap()
            .limit_at_depth(&t, &s, 2048)
            .unwrap();
        let actual = agreement(
            &fvalue(&lim.exact),
            &constant(cmf.limit.as_deref().unwrap()),
        );
        assert!(actual > 1.0, "{name} {t:?}: {actual}");
        assert!(
            lim.digits <= actual,
            "{name} {t:?}: claimed {} of {actual}",
            lim.digits
        );
    }
}

#[test]
fn zeta3_trajectories_share_one_limit() {
    let cmf = bundled_field("zeta3");
    let w = Walker::new(&cmf).unwrap();
    let l = constant("(1 - zeta(3))/zeta(3)");
    let xs: Vec<Float> = [[1, 1], [2, 1], [1, 2]]
        .iter()
        .map(|t| fvalue(&w.walk(t, &[1, 1], 100).unwrap().p.value().unwrap()))
        .collect();
    for x in &xs {
        assert!(agreement(x, &l) > 300.0);
    }
    assert!(agreement(&xs[1], &xs[2]) > 400.0);
    // the f, f̄ form (a coboundary of the same field) gives the same walk values from x0 = 1
    let ff = bundled_field("zeta3_ffbar");
    let y = Walker::new(&ff)
        .unwrap()
        .walk(&[1, 1], &[1, 1], 100)
        .unwrap();
    assert!(agreement(&fvalue(&y.p.value().unwrap()), &xs[0]) > 300.0);
}

#[test]
fn trajectory_to_pcf_reproduces_every_case() {
    let checks = cmf_vectors()["trajectory_to_pcf"]["checks"]
        .as_array()
        .unwrap();
    assert_eq!(checks.len(), 4);
    for c in checks {
        let cmf = bundled_field(c["cmf"].as_str().unwrap());
        let (t, s) = (traj(&c["trajectory"]), traj(&c["start"]));
        let what = format!("{} {t:?} from {s:?}", c["cmf"]);
        let r = trajectory_to_pcf(&cmf, &t, &s).unwrap();
        if let Some(tn) = c.get("T(n)") {
            let n = vec!["n".to_string()];
            let sc = Scope::new(&n);
            for (i, row) in matrix(tn).iter().enumerate() {
                for (j, e) in row.iter().enumerate() {
                    assert!(
                        r.step.get(i, j).same_as(&sc.parse(e).unwrap()),
                        "{what}: T[{i}][{j}] = {}",
                        r.step.get(i, j).display(&n)
                    );
                }
            }
        }
        let p = |k: &str| parse(c[k].as_str().unwrap()).unwrap();
        assert_eq!(r.a_inflated, p("a_inflated"), "{what}");
        assert_eq!(r.b_inflated, p("b_inflated"), "{what}");
        assert_eq!(r.deflation, p("deflation_factor"), "{what}");
        assert_eq!(r.a, p("a_deflated"), "{what}");
        assert_eq!(r.b, p("b_deflated"), "{what}");
        match c.get("after_shift_by_1") {
            Some(sh) => {
                assert_eq!(r.shift, 1, "{what}");
                assert_eq!(r.pcf.a, parse(sh["a"].as_str().unwrap()).unwrap());
                assert_eq!(r.pcf.b, parse(sh["b"].as_str().unwrap()).unwrap());
            }
            None => assert_eq!(r.shift, 0, "{what}"),
        }
        // the PCF converges to the stated Möbius transform of the constant
        let lim = evaluate(
            &r.pcf,
            &EvalOptions {
                digits: 40,
                ..Default::default()
            },
        )
        .unwrap();
        let expected = constant(
            &c["final_pcf_limit"]
                .as_str()
                .unwrap()
                .replace("zeta(3)", "zeta3"),
        );
        assert!(agreement(&lim.value, &expected) > 35.0, "{what}");
    }
}

#[test]
fn zeta3_diagonal_is_aperys_pcf() {
    let cmf = bundled_field("zeta3");
    let apery = (parse("34n^3+51n^2+27n+5").unwrap(), parse("-n^6").unwrap());
    let r = trajectory_to_pcf(&cmf, &[1, 1], &[1, 1]).unwrap();
    assert_eq!((r.pcf.a.clone(), r.pcf.b.clone()), apery);
    assert!(r.gamma_roots.is_empty(), "{:?}", r.gamma_roots);
    let r0 = trajectory_to_pcf(&cmf, &[1, 1], &[0, 0]).unwrap();
    assert_eq!((r0.pcf.a, r0.pcf.b), apery);
    // the off-diagonal trajectories give other PCFs with Möbius-related limits
    let r21 = trajectory_to_pcf(&cmf, &[2, 1], &[1, 1]).unwrap();
    assert!(r21.pcf.a.degree() > Some(3));
    let t = trajectory_matrix(&cmf, &[2, 1], &[1, 1]).unwrap();
    assert_eq!(t.dim(), 2);
}

#[test]
fn aperys_delta_on_the_zeta3_diagonal() {
    let cmf = bundled_field("zeta3");
    let lim = Walker::new(&cmf)
        .unwrap()
        .limit_at_depth(&[1, 1], &[1, 1], 2000)
        .unwrap();
    assert_eq!(lim.depth, 2000);
    let d = lim.delta.unwrap();
    assert!(d > 0.08 && d < 0.1, "delta {d}");
    assert!(lim.digits > 2000.0, "{}", lim.digits);
}

#[test]
fn a_changed_coefficient_is_rejected_naming_the_axis_pair() {
    let text = include_str!("../search-spaces/cmf/zeta3.toml")
        .replace("2*y*(y - 1)*(2*x + 1)", "3*y*(y - 1)*(2*x + 1)");
    let spec = CmfSpec::parse(&text, "broken_zeta3.toml").unwrap();
    let err = spec.build(&[]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CmfError::NotConservative { .. }), "{msg}");
    assert!(
        msg.contains("broken_zeta3.toml") && msg.contains("axes (x, y)"),
        "{msg}"
    );
    // three axes: a change in M_c breaks (a, c) first, not (a, b)
    let text = include_str!("../search-spaces/cmf/hypergeometric_2f1.toml")
        .replace("3 + 2*a + 2*b + 2*c", "3 + 2*a + 2*b + 3*c");
    let err = CmfSpec::parse(&text, "f21.toml")
        .unwrap()
        .build(&[])
        .unwrap_err();
    let CmfError::NotConservative { detail, .. } = err else {
        panic!("{err}")
    };
    assert_eq!((detail.axis_i.as_str(), detail.axis_j.as_str()), ("a", "c"));
}

#[test]
fn poles_and_bad_files_are_reported() {
    let cmf = bundled_field("hypergeometric_3f2");
    let err = Walker::new(&cmf)
        .unwrap()
        .walk(&[1, 1, 1, 1, 1], &[0, 1, 1, 1, 1], 5)
        .unwrap_err();
    assert!(
        matches!(&err, WalkError::Pole { axis, point, .. } if axis == "x0" && point.ends_with("(0, 1, 1, 1, 1)")),
        "{err}"
    );
    // from a start away from the poles the 3×3 walk runs
    let w = Walker::new(&cmf)
        .unwrap()
        .walk(&[1, 1, 1, 1, 1], &[1, 1, 1, 1, 1], 20)
        .unwrap();
    assert_eq!(w.p.dim, 3);
    // a backward step is the inverse of the forward step: M_x(1,1) · M_x(1,1)^{-1} = I
    let z = bundled_field("zeta3");
    let wk = Walker::new(&z).unwrap();
    let fwd = wk.walk(&[1, 0], &[1, 1], 1).unwrap();
    let back = wk.walk(&[-1, 0], &[2, 1], 1).unwrap();
    let prod = fwd.p.mul(&back.p);
    let s = Rational::from(&fwd.scale * &back.scale);
    for i in 0..2 {
        for j in 0..2 {
            let e = Rational::from(prod.get(i, j)) * &s;
            assert_eq!(e, Rational::from(u8::from(i == j)));
        }
    }
    // a singular backward step: M_x(0, y) has a zero top row
    let err = wk.walk(&[-1, 0], &[1, 1], 1).unwrap_err();
    assert!(matches!(err, WalkError::Singular { .. }), "{err}");
    // malformed and missing files name the file
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "name = \"bad\"\naxes = [\"x\"]\n[matrices]\nx = [[\"x +\"]]\n",
    )
    .unwrap();
    let err = load(path.to_str().unwrap())
        .unwrap()
        .build(&[])
        .unwrap_err();
    assert!(err.to_string().contains("bad.toml") && err.to_string().contains("matrix x[0][0]"));
    let err = load("/no/such/field.toml").unwrap_err();
    assert!(err.to_string().contains("/no/such/field.toml"));
}

#[test]
fn pcf_conversion_round_trips_through_the_univariate_layer() {
    let p = Poly::from_i64(&[5, 27, 51, 34]);
    let f = RatFun::from(&p);
    assert_eq!(f.to_scaled_poly().unwrap().1, p);
}

mod cli {
    use crate::common::apery;
    use predicates::str::contains;

    #[test]
    fn pcf_of_the_zeta3_diagonal_is_aperys() {
        apery()
            .args([
                "cmf",
                "pcf",
                "zeta3",
                "--trajectory",
                "1,1",
                "--start",
                "1,1",
            ])
            .assert()
            .success()
            .stdout(contains("34n^3 + 51n^2 + 27n + 5"))
            .stdout(contains("-n^6"));
    }

    #[test]
    fn walk_identifies_zeta3() {
        apery()
            .args([
                "cmf",
                "walk",
                "zeta3",
                "--trajectory",
                "1,1",
                "--start",
                "1,1",
                "--digits",
                "60",
                "--json",
            ])
            .assert()
            .success()
            .stdout(contains("-0.16809262741929253131687372117"))
            .stdout(contains("zeta3"));
    }

    #[test]
    fn list_and_check() {
        apery()
            .args(["cmf", "list"])
            .assert()
            .success()
            .stdout(contains("zeta3"))
            .stdout(contains("hypergeometric_3f2"));
        apery()
            .args(["cmf", "check", "hypergeometric_2f1"])
            .assert()
            .success()
            .stdout(contains("conservative"));
    }

    #[test]
    fn a_bad_field_path_exits_2_naming_the_file() {
        apery()
            .args(["cmf", "check", "/no/such/dir/field.toml"])
            .assert()
            .code(2)
            .stderr(contains("/no/such/dir/field.toml"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nonconservative.toml");
        std::fs::write(
            &path,
            include_str!("../search-spaces/cmf/pi.toml").replace("2*x + y + 1", "2*x + y + 2"),
        )
        .unwrap();
        apery()
            .args([
                "cmf",
                "walk",
                path.to_str().unwrap(),
                "--trajectory",
                "1,1",
                "--start",
                "1,0",
            ])
            .assert()
            .code(2)
            .stderr(contains("nonconservative.toml"))
            .stderr(contains("axes (x, y)"));
    }
}

/// Over-claiming guard for walks: the certain digits reported at depth D (a claim tested at the
/// next depth before it is reported, as for PCF limits) hold against the walk at depth 8D, for
/// geometric, slow and alternating-field walks alike.
#[test]
fn walk_digits_hold_against_a_deeper_walk() {
    let cases: [(&str, &[i64], &[i64]); 6] = [
        ("zeta3", &[1, 1], &[1, 1]),
        ("zeta3", &[2, 1], &[1, 1]),
        ("pi", &[1, 1], &[1, 1]),
        ("zeta2", &[1, 1], &[1, 1]),
        ("e", &[1, 1], &[1, 1]),
        ("pfq(2,1,1/2)", &[1, 1, 1], &[1, 1, 2]),
    ];
    for (name, t, s) in cases {
        let cmf = load(name).unwrap().build(&[]).unwrap();
        let w = Walker::new(&cmf).unwrap();
        for depth in [16, 40, 100] {
            let l = w.limit_at_depth(t, s, depth).unwrap();
            let deep = w.limit_at_depth(t, s, 8 * depth).unwrap();
            let diff = Float::with_val(20_000, Rational::from(&l.exact - &deep.exact));
            let actual = -log10_abs(&diff);
            assert!(
                actual >= l.digits - std::f64::consts::LOG10_2,
                "{name} {t:?} from {s:?} at depth {depth}: claimed {} digits, {actual} hold",
                l.digits
            );
        }
    }
}
