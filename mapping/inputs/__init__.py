"""What users and the project bring: the register of teams, FOI replies, the bounded table reader."""
