"""Tests for Prioritizer."""
