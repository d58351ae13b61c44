"""The features of the bot, one folder each: what a newcomer or a staff member can do with it."""
