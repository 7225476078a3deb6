//! Tests of the decimal type: significant digits at every size, exact input,
//! half-to-even rounding, range, and the printed form.

use super::{Decimal, DecimalError, SIGNIFICANT_DIGITS};

fn d(text: &str) -> Decimal {
    match Decimal::parse(text) {
        Ok(d) => d,
        Err(e) => panic!("{text}: {e:?}"),
    }
}

#[test]
fn small_quotients_keep_their_digits() {
    let q = d("1").checked_div(&d("30000000000")).expect("quotient");
    let text = q.to_string();
    let threes = text.trim_start_matches("0.").trim_start_matches('0');
    assert!(threes.len() >= SIGNIFICANT_DIGITS, "{text}");
    assert!(threes.bytes().all(|b| b == b'3'), "{text}");
    assert_eq!(text.find('3'), Some(12), "{text}");

    let tiny = d("0.000001").checked_div(&d("1e24")).expect("quotient");
    assert!(tiny > Decimal::ZERO);
    assert_eq!(tiny, d("1e-30"));
    assert_eq!(tiny.to_string(), format!("0.{}1", "0".repeat(29)));
}

#[test]
fn input_is_exact_or_refused() {
    let most = "1234567890".repeat(4);
    assert!(Decimal::parse(&most[..SIGNIFICANT_DIGITS]).is_ok());
    assert_eq!(
        Decimal::parse(&most[..SIGNIFICANT_DIGITS + 1]),
        Err(DecimalError::TooManyDigits)
    );
    // Leading and trailing zeros are not significant.
    let padded = format!("000{}.{}", &most[..SIGNIFICANT_DIGITS], "0".repeat(50));
    assert_eq!(d(&padded), d(&most[..SIGNIFICANT_DIGITS]));
    assert_eq!(d(&format!("0.{}5", "0".repeat(60))), d("5e-61"));
    for bad in [
        "",
        "-",
        ".",
        "e5",
        "1e",
        "1.2.3",
        "inf",
        "-Infinity",
        "nan",
        "0x10",
        "1_000",
        " 1",
    ] {
        assert_eq!(Decimal::parse(bad), Err(DecimalError::Invalid), "{bad:?}");
    }
    assert_eq!(Decimal::parse("1e99999"), Err(DecimalError::OutOfRange));
    assert_eq!(Decimal::parse("1e-99999"), Err(DecimalError::OutOfRange));
    assert_eq!(d("1e400").to_string(), "1e400");
    assert_eq!(d("+2.50"), d("2.5"));
}

#[test]
fn equal_however_written() {
    assert_eq!(d("1.0"), d("1"));
    assert_eq!(d("1.0"), Decimal::from_i64(1));
    assert_eq!(d("-0"), Decimal::ZERO);
    assert!(d("0.1") < d("0.10000000000000000000000000000000000001"));
    assert!(d("-2") < d("-1.5"));
    assert_eq!(
        Decimal::from_i128(i128::MAX).map(|x| x.to_string()),
        Some(i128::MAX.to_string())
    );
}

#[test]
fn rounding_is_half_to_even() {
    // 39 digits fit below 2^128; the half in the 40th is rounded to even.
    let big = |n: i128| Decimal::from_i128(n).expect("39 digits");
    let half = d("0.5");
    let up = big(170000000000000000000000000000000000001)
        .checked_add(&half)
        .expect("sum");
    assert_eq!(up.to_string(), "170000000000000000000000000000000000002");
    let even = big(170000000000000000000000000000000000002);
    let stays = even.checked_add(&half).expect("sum");
    assert_eq!(stays, even);
    // A third, rounded at its last digit.
    let third = d("2").checked_div(&d("3")).expect("quotient").to_string();
    assert!(
        third.ends_with('7') && third.starts_with("0.666"),
        "{third}"
    );
}

#[test]
fn out_of_range_is_none_never_infinity() {
    let huge = d("9e32000");
    assert_eq!(huge.checked_mul(&huge), None);
    let small = d("1e-32000");
    assert_eq!(small.checked_mul(&small), None);
    assert_eq!(d("1").checked_div(&Decimal::ZERO), None);
    assert_eq!(huge.checked_add(&huge).map(|x| x > huge), Some(true));
}

#[test]
fn printed_form_reads_back() {
    for text in [
        "0",
        "1200",
        "-2.5",
        "0.000025",
        "123456789.987654321",
        "2.5e-45",
        "7e41",
        "-1.25e100",
    ] {
        let x = d(text);
        assert_eq!(d(&x.to_string()), x, "{text} printed as {x}");
    }
    assert_eq!(d("1200").to_string(), "1200");
    assert_eq!(d("0.000025").to_string(), "0.000025");
    assert_eq!(d("2.5e-45").to_string(), "2.5e-45");
    assert_eq!(d("-1.25e100").to_string(), "-1.25e100");
    assert_eq!((-d("2.5")).to_string(), "-2.5");
}

#[test]
fn a_literal_keeps_the_zeros_it_was_written_with() {
    assert_eq!(d("1000.50").positional(), "1000.50");
    assert_eq!(d("1000.50").to_string(), "1000.5");
    assert_eq!(d("0.0").positional(), "0");
    let long = format!("1.{}", "0".repeat(60));
    assert_eq!(d(&long).positional(), "1");
    assert_eq!(
        d("1000.50").checked_add(&d("0.50")).map(|x| x.positional()),
        Some("1001".into())
    );
}

#[test]
fn compact_and_wide_numbers_meet_exactly() {
    let wide = d("12345678901234567890123456789.5");
    assert!(wide > d("1.5") && d("-1.5") > -wide.clone());
    assert_eq!(d("1.50"), d("1.5"));
    assert!(d("0.1") < d("0.11") && d("2") > d("1.99"));
    let least = d("-9223372036854775808");
    assert_eq!((-least).to_string(), "9223372036854775808");
    let sum = wide
        .checked_sub(&d("12345678901234567890123456789"))
        .expect("difference");
    assert_eq!(sum, d("0.5"));
    assert_eq!(sum.to_string(), "0.5");
}
