"""The PowerPoint decks: the meeting deck and the sellers' customer deck, on the company template.

template.py opens the template and finds its layouts; deck.py adds slides to it; text_fit.py,
shapes.py and tables.py draw what goes on them; charts.py and timeline.py draw the pack's chart
descriptions (charts/describe.py), in the template's colours (colours.py); meeting.py and
customer.py are the two decks; package.py saves them.
"""
