"""Writes feedback_app/accounts/data/common-passwords.txt: common and breached-style passwords.

The seeds are passwords that top every published list of the most common passwords (SplashData,
NordPass, NCSC's analysis of Have I Been Pwned's top 100,000); the variants are the patterns
people add to meet a length rule (years, digit runs, "!", repetition). Run it again after editing
the seeds; the app reads only the text file it writes (lowercase, one per line).
"""
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "feedback_app" / "accounts" / "data" / "common-passwords.txt"

SEEDS = """
123456 123456789 12345678 12345 1234567 1234567890 1234 qwerty password password1 111111 123123 abc123
iloveyou 000000 qwerty123 1q2w3e4r 1q2w3e4r5t 1qaz2wsx qwertyuiop 654321 555555 666666 777777 888888
999999 121212 112233 123321 7777777 987654321 qazwsx zxcvbnm asdfghjkl asdfgh zaq12wsx q1w2e3r4t5
monkey dragon letmein football baseball welcome admin administrator login master sunshine princess
shadow superman batman trustno1 hello freedom whatever qazwsxedc michael jennifer jordan hunter
ranger buster soccer harley hockey george charlie andrew michelle daniel jessica pepper ginger
maggie summer winter spring autumn liverpool chelsea arsenal manchester united everton tottenham
secret computer internet starwars pokemon minecraft killer hannah thomas tigger robert matthew
joshua ashley amanda nicole biteme access flower cheese cookie chocolate banana orange purple
blink182 mustang corvette ferrari porsche mercedes yankees cowboys eagles lakers dallas austin
thunder taylor matrix silver golden diamond guitar jasmine lovely loveme angel angels babygirl
butterfly sweety friends family forever peanut snoopy scooter buddy tinkerbell cherry samsung
apple google microsoft facebook linkedin twitter youtube london england britain scotland wales
ireland council nhs school teacher student parent mother father mummy daddy change changeme
default guest test test123 testing temp temp123 pass passw0rd p@ssw0rd p@ssword pa55word
letmein1 welcome1 password123 password12 password1234 qwerty1 qwerty12 iloveyou1 princess1
monkey1 dragon1 football1 abcdef abcdefg abcdefgh abcd1234 aa123456 a123456 asd123 zxc123
qweasd qweasdzxc 1q2w3e 147258369 159753 147258 987654 7654321 11111111 00000000 12341234
123123123 123654 1111 2222 3333 4444 5555 6666 7777 8888 9999 0000 1212 6969 696969 131313
232323 202020 101010 baby love lovers sexy hottie cutie beauty pretty honey sugar candy
rainbow unicorn kitten puppy doggy tiger lion bear wolf eagle falcon phoenix spider snake
merlin wizard magic knight warrior ninja samurai legend hero star stars moon sun sky ocean
river mountain forest garden house home office work money cash bank rich lucky happy smile
""".split()

WORD_SEEDS = """
password welcome letmein sunshine princess football monkey dragon qwerty iloveyou admin
changeme secret master shadow superman liverpool chelsea arsenal summer winter autumn spring
london england football baseball computer internet whatever freedom trustno1 starwars pokemon
""".split()

PHRASES = [
    "correcthorsebatterystaple", "thequickbrownfox", "iloveyoutoo", "letmeinplease", "passwordpassword",
    "qwertyqwerty", "abcdefghijkl", "abcdefghijklmnop", "mypasswordis", "thisismypassword",
    "welcometothejungle", "iloveyouforever", "ilovemyfamily", "ilovemykids", "ilovemymum", "godisgood",
    "jesuschrist", "blessedbe", "nevergiveup", "trustnoone", "letmein123", "changemenow",
    "administrator1", "supersecret", "supersecretpassword", "topsecret", "mysecretpassword",
]

KEYBOARD_WALKS = [
    "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "qazwsxedcrfv",
    "qwertyuiopasdfghjkl", "1234qwerasdfzxcv", "q1w2e3r4t5y6", "1q2w3e4r5t6y", "zaq1xsw2cde3",
    "!qaz@wsx#edc", "qwer1234", "asdf1234", "zxcv1234", "1234asdf", "poiuytrewq", "mnbvcxz",
]

def variants():
    found = set(SEEDS) | set(PHRASES) | set(KEYBOARD_WALKS)
    # Years, digit runs and "!" added to a word are stripped by the check (accounts/passwords.py),
    # so only the patterns it cannot undo are listed.
    for word in set(SEEDS) | set(WORD_SEEDS):
        found.add(word * 2)
        found.add(word + "password")
        found.add("my" + word)
        found.add("ilove" + word)
    for digit in "0123456789":
        for length in range(6, 21):
            found.add(digit * length)
    sequence = "12345678901234567890"
    for length in range(6, 21):
        found.add(sequence[:length])
        found.add(sequence[:length][::-1])
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for length in range(6, 17):
            found.add(letter * length)
    return sorted(found)


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    passwords = variants()
    OUT.write_text("\n".join(passwords) + "\n", encoding="utf-8")
    print(f"{len(passwords)} passwords written to {OUT}")


if __name__ == "__main__":
    main()
