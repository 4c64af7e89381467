"""A starter for a company without a CRM export: report.toml and a pipeline workbook."""

from report_builder.starter.init import InitError, InitResult, first_meeting, init_company

__all__ = ["InitError", "InitResult", "first_meeting", "init_company"]
