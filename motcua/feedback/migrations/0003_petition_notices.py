from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Messages to the petitioner, at most one per event and channel (docs/feedback.md "Notifications")."""

    dependencies = [
        ("feedback", "0002_answer_templates"),
    ]

    operations = [
        migrations.CreateModel(
            name='PetitionNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('sms', 'SMS'), ('email', 'E-mail')], max_length=5)),
                ('kind', models.CharField(max_length=40)),
                ('at', models.DateTimeField()),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='feedback.petitionevent')),
                ('petition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='feedback.petition')),
            ],
            options={
                'ordering': ['petition', 'id'],
                'constraints': [models.UniqueConstraint(fields=('event', 'channel'), name='feedback_notice_once_per_event')],
            },
        ),
    ]
