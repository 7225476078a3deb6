//! Unit tests of the facade's planning: only what the asked decisions need.

use super::{Options, Policy};

const POLICY: &str = r#"
policy p title "t" jurisdiction "j" source "s" effective 2020-01-01
facts { a: boolean, b: boolean, c: integer }
rule first = a and b
rule second = c > 3
rule third = not first
decision uses_first: boolean cite "1" = first
decision uses_third: boolean cite "2" = third
decision uses_second: boolean cite "3" = second
"#;

#[test]
fn a_plan_holds_only_the_definitions_its_decisions_need() {
    let policy = Policy::from_text("p.policy", POLICY).unwrap();
    let plan_len = |names: &[&str]| {
        let prepared = policy.prepare(names, Options::default()).unwrap();
        prepared.versions[0].plan.as_ref().unwrap().len()
    };
    assert_eq!(plan_len(&["uses_second"]), 2);
    assert_eq!(plan_len(&["uses_first"]), 2);
    assert_eq!(plan_len(&["uses_third"]), 3);
    assert_eq!(plan_len(&["uses_first", "uses_third"]), 4);
    assert_eq!(plan_len(&[]), 6);
}
