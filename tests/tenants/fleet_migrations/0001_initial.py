"""Branding's own first migration, unchanged (same name, so cities have it applied)."""

import importlib

Migration = importlib.import_module("tenant_apps.branding.migrations.0001_initial").Migration
