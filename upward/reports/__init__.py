"""Reports for program leads: the dashboard, the funnel, exports and learning records.

They count and date what people did, in grouped queries; they never read what anyone wrote.
"""
