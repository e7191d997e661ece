"""tradescreen.decide"""
