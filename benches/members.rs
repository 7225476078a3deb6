//! Synthetic IRTS members for benchmarks: realistic shapes (functional
//! domains, LOCUS, dated hospital stays), drawn from a fixed seed so every
//! run measures the same inputs.

/// A small deterministic generator (xorshift64*), so the benchmarks need no
/// random-number crate.
pub(crate) struct Seeded(u64);

impl Seeded {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent`%.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const DOMAINS: [&str; 7] = [
    "mental health symptoms",
    "housing",
    "interpersonal",
    "vocational",
    "self-care",
    "financial",
    "health",
];

/// One member's eligibility and admission facts as a JSON line (as of
/// 2026-03-01).
pub(crate) fn member(rng: &mut Seeded) -> String {
    let mut yes = |p| if rng.chance(p) { "true" } else { "false" };
    let determination = format!(
        r#"{{"by_mental_health_professional": {}, "needs_unmet_by_community_services": {}, "likely_crisis_without_irts": {}, "needs_more_restrictive_setting": {}}}"#,
        yes(95),
        yes(70),
        yes(40),
        yes(30)
    );
    let flags = [
        ("diagnostic_assessment_shows_mental_illness", yes(95)),
        ("expected_to_engage_in_illness_management", yes(85)),
        ("needs_24_hour_supervised_treatment", yes(85)),
        ("unresponsive_to_less_intensive_care", yes(80)),
        ("needs_restrictive_setting", yes(85)),
        ("at_risk_of_deterioration_without_irts", yes(85)),
        ("significant_independent_living_instability", yes(30)),
        ("homeless", yes(15)),
        ("frequent_service_use_with_poor_outcomes", yes(25)),
        ("ma_eligible", yes(97)),
        ("transitioning_to_adult_services", yes(50)),
        ("irts_determined_to_best_meet_needs", yes(80)),
        ("provider_secured_licensing_variance", yes(60)),
    ];
    // Ages 16 to 70 on the as-of date, a few at 17.
    let birth = day(-(365 * (16 + rng.below(55) as i64) + rng.below(365) as i64));
    let domains: Vec<String> = DOMAINS
        .iter()
        .take(3 + rng.below(5) as usize)
        .map(|d| {
            let significant = if rng.chance(55) { "true" } else { "false" };
            format!(r#"{{"domain": "{d}", "significant_impairment": {significant}}}"#)
        })
        .collect();
    let stays: Vec<String> = (0..rng.below(5))
        .map(|_| {
            // Admissions spread over the two years before the as-of date.
            let start = 730 - rng.below(730) as i64;
            let length = 3 + rng.below(25) as i64;
            format!(
                r#"{{"admitted": "{}", "discharged": "{}"}}"#,
                day(-start),
                day(-start + length)
            )
        })
        .collect();
    let mut line = format!(
        r#"{{"as_of": "2026-03-01", "recipient": {{"professional_determination": {determination}, "functional_assessment": {{"completed": {}, "domains": [{}]}}, "locus": {{"completed": {}, "level": {}}}, "inpatient_hospitalizations": [{}]"#,
        if rng.chance(95) { "true" } else { "false" },
        domains.join(", "),
        if rng.chance(95) { "true" } else { "false" },
        3 + rng.below(4),
        stays.join(", ")
    );
    for (name, value) in flags {
        line.push_str(&format!(r#", "{name}": {value}"#));
    }
    line.push_str(&format!(r#", "birth_date": "{birth}""#));
    line.push_str("}}");
    line
}

/// The date `offset` days from 2026-03-01, as YYYY-MM-DD.
fn day(offset: i64) -> String {
    let base = jiff::civil::date(2026, 3, 1);
    base.checked_add(jiff::Span::new().days(offset))
        .unwrap_or(base)
        .to_string()
}
