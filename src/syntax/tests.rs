//! Rule-level grammar tests.
