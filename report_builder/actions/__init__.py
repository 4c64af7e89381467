"""`report-builder actions`: record the meeting's actions in the dataset's actions table.

location.py finds where the table lives (a CSV, a workbook sheet; SQL and Parquet are
read-only), csv_table.py and xlsx_table.py edit it in place, commands.py is add/close/list.
"""
