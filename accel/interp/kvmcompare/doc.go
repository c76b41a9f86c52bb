// Package kvmcompare holds the interpreter's differential tests against KVM
// (mode ROMs, snapshots moved from the interpreter to KVM). It has no
// non-test code.
package kvmcompare
