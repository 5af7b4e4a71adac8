"""Demo privacy: a published privacy notice in three languages, accepted by the demo's
applications, and one applicant's erasure request waiting for the secretariat."""

from accounts.models import User
from exchanges.models import ErasureRequest
from exchanges.selectors.privacy import privacy_notice_current
from exchanges.services.privacy import (
    privacy_erasure_request,
    privacy_notice_publish,
    privacy_notice_save,
)

NOTICE_EN = "\n\n".join(
    [
        (
            "Trilink is run by the exchange secretari"
            "at with partner organisations in the Uni"
            "ted States, Japan and South Korea."
        ),
        (
            "What we collect: your account details, y"
            "our application and its documents, and w"
            "hat you tell us before and after the pro"
            "gram. We use them to select participants"
            ", prepare the program and learn from it."
        ),
        (
            "Partner organisations of your country se"
            "e your personal data only if you agree w"
            "hen you apply. You can download everythi"
            "ng we hold about you, and ask for its er"
            "asure, from your profile. Applications a"
            "re anonymised after the period each prog"
            "ram sets."
        ),
    ]
)

NOTICE_JA = "\n\n".join(
    [
        ("Trilink は、交流事業の事務局が米国・日本・韓国のパートナー団体とともに運営しています。"),
        (
            "収集する情報：アカウント情報、応募内容と書類、プログラムの前後にお寄せいただく情"
            "報です。参加者の選考、プログラムの準備、事業の改善のために利用します。"
        ),
        (
            "お住まいの国のパートナー団体がお客様の個人データを閲覧するのは、応募時に同意いた"
            "だいた場合に限ります。保有するすべての情報のダウンロードと削除の依頼は、プロフィ"
            "ールから行えます。応募は各プログラムが定める期間の経過後に匿名化されます。"
        ),
    ]
)

NOTICE_KO = "\n\n".join(
    [
        ("Trilink는 교류 사업 사무국이 미국, 일본, 한국의 협력 기관과 함께 운영합니다."),
        (
            "수집하는 정보: 계정 정보, 지원서와 서류, 프로그램 전후에 알려 주시는"
            " 정보입니다. 참가자 선발, 프로그램 준비 및 사업 개선에 이용합니다."
        ),
        (
            "귀하 국가의 협력 기관은 지원 시 동의하신 경우에만 귀하의 개인 데이터를"
            " 열람합니다. 보유한 모든 정보의 다운로드와 삭제 요청은 프로필에서 하실"
            " 수 있습니다. 지원서는 각 프로그램이 정한 기간이 지나면 익명화됩니다."
        ),
    ]
)

# The generated applicant who asks to be erased (no application of theirs is in the demo's
# story pages).
ERASURE_APPLICANT = "applicant-us-100@"


def seed_demo_privacy_notice(*, staff: User) -> int:
    """Publish version 1 of the notice unless one is published; returns 1 when it did."""
    if privacy_notice_current() is not None:
        return 0
    notice = privacy_notice_save(
        actor=staff, text_en=NOTICE_EN, text_ja=NOTICE_JA, text_ko=NOTICE_KO
    )
    privacy_notice_publish(notice=notice, actor=staff)
    return 1


def seed_demo_erasure_request(*, domain: str) -> int:
    """One pending erasure request, made as the applicant makes it; returns 1 when made."""
    applicant = User.objects.filter(email=f"{ERASURE_APPLICANT}{domain}").first()
    if applicant is None or ErasureRequest.objects.filter(applicant=applicant).exists():
        return 0
    privacy_erasure_request(applicant=applicant)
    return 1
