"""A small valid lesson as TOML text, for tests to copy and break."""

VALID_LESSON = '''
id = "sample-lesson"
topic = "payment"
version = 1
minutes = 5
title = "A sample lesson"
summary = "Practise the basics."
done = "You can now do the sample."
remember = "Check the amount."

[values]
price = { money = 120 }

[screens.home]
app = "wallet"
title = "Wallet"
elements = [
  { id = "scan", kind = "button", text = "Scan" },
  { id = "receive", kind = "button", text = "Receive" },
  { id = "amount", kind = "amount", value = "price" },
]

[[steps]]
kind = "explain"
text = ["This is a practice wallet."]

[[steps]]
kind = "tap"
screen = "home"
target = "scan"
text = ["Tap Scan."]
hint = "Look for the word Scan."

[[steps]]
kind = "choice"
text = ["You will pay {price}.", "Is that right?"]
options = [
  { text = "Yes.", correct = true, feedback = "Yes, it matches." },
  { text = "No.", correct = false, feedback = "Look at the amount again." },
]

[[steps]]
kind = "order"
text = ["Put these in order."]
items = ["Scan.", "Check.", "Pay."]
hint = "Scan comes first."

[[steps]]
kind = "spot"
screen = "home"
text = ["Real or fake?"]
answer = "real"
signs = [{ element = "amount", text = "The amount is what the shop asked." }]

[[steps]]
kind = "explain"
text = ["Well done."]
'''
