"""The PowerPoint decks: the meeting deck and the sellers' customer deck, on the company template.

template.py opens the template and finds its layouts; deck.py adds slides to it; text_fit.py,
shapes.py, tables.py, charts.py and timeline.py draw what goes on them; meeting.py and
customer.py are the two decks; package.py saves them.
"""
