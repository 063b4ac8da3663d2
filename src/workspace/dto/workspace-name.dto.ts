import { IsString, Length, Matches } from 'class-validator';
import { IsDisplayText } from '../../common/is-display-text.decorator';

export class WorkspaceNameDto {
  /**
   * 1 to 255 characters, not blank.
   * @example Research
   */
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsDisplayText()
  name!: string;
}
