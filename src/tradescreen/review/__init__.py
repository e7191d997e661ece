"""tradescreen.review"""
