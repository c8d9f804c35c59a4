"""Delivery: routing events to channels, threading, dedup and ordering. I/O is passed in."""
